/* Data with Care: when the phone menu (☰) or the Contents menu closes,
   the keyboard focus goes back to the button that opened it, so that a
   keyboard or screen-reader user is not sent back to the top of the page.
   (The theme blurs the button on click, so its own focus restore misses.) */
document.addEventListener("DOMContentLoaded", () => {
  for (const which of ["primary", "secondary"]) {
    const dialog = document.getElementById(`pst-${which}-sidebar-modal`);
    if (!dialog) continue;
    let opener = null;
    document.querySelectorAll(`.${which}-toggle`).forEach((button) =>
      button.addEventListener("click", () => { opener = button; }, true),
    );
    dialog.addEventListener("close", () => {
      if (opener) setTimeout(() => opener.focus(), 0);
    });
  }
});

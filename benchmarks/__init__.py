"""Speed and size benchmarks (``make bench``). Not tests: they report, they do not gate."""

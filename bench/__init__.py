"""Province-scale benchmark (`make bench`): a synthetic dataset built through the real models, then the rollup, the
dashboards, the Excel import and the page weight measured against their floors. See docs/benchmarks.md."""

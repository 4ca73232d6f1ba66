"""The `chart-hero` command line: the editor by default, subcommands for headless jobs."""

"""`python -m app`: the editor, or a headless subcommand (see `chart-hero --help`)."""
from app.cli.main import main

raise SystemExit(main())

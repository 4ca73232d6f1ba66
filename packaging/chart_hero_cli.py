"""Frozen entry point of `chart-hero` (console): the CLI; without a subcommand it opens the editor."""
import multiprocessing
import sys

import frozen_env

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen program must not re-run main() in worker processes
    frozen_env.prepare()
    frozen_env.run_check_if_asked()
    from app.cli.main import main
    sys.exit(main())

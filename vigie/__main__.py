from vigie.cli.main import main

# Guarded: the analysis workers of `vigie run` are spawned processes, which import the main
# module of the parent (`python -m vigie`) again, and must not start a second run.
if __name__ == "__main__":
    main()

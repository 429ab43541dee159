"""What drills hangs on the other apps, wired once in every process (imported by
DrillsConfig.ready(), as every app wires its signals): the drills a person took part in, as a
section of their training file (courses sits below drills, so drills hands courses the
section instead of courses importing up)."""

from . import training_file  # noqa: F401  (registers its section on import)

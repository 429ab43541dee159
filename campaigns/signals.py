"""What campaigns hangs on the other apps, wired once in every process (imported by
CampaignsConfig.ready(), as every app wires its signals): rotation training and warning
education as sections of each person's training file (courses sits below campaigns, so
campaigns hands courses the sections instead of courses importing up)."""

from . import training_file  # noqa: F401  (registers its sections on import)

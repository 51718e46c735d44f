"""Named ids the tests rely on: the anatomy they assert, in one place."""

FEMORAL = "RADIX:femoral_nerve"
LFCN = "RADIX:lateral_femoral_cutaneous_nerve"
GENITOFEMORAL = "RADIX:genitofemoral_nerve"
SAPHENOUS = "RADIX:saphenous_nerve"
SCIATIC = "RADIX:sciatic_nerve"
COMMON_FIBULAR = "RADIX:common_fibular_nerve"
DEEP_FIBULAR = "RADIX:deep_fibular_nerve"
QUADRICEPS = "RADIX:quadriceps_femoris"
KNEE_EXTENSION = "RADIX:knee_extension"
ANTERIOR_THIGH = "RADIX:anterior_thigh"
PATELLAR_REFLEX = "RADIX:patellar_reflex"


def root(level: str) -> str:
    """``root("L4")`` → ``RADIX:spinal_nerve_L4``."""
    return f"RADIX:spinal_nerve_{level}"

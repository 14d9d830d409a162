"""leadscore: warehouse-native B2B lead scoring."""

__version__ = "0.1.0"

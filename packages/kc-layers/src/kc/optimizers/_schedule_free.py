class ScheduleFreeAdamW: pass

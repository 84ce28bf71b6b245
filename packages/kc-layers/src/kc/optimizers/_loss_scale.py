class LossScaleOptimizer: pass

class MultiOptimizer: pass
class OptimizerMap: pass

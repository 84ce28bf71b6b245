"""A training loop written from scratch with keras.ops, a Keras optimizer and metrics
(keras.io "Writing a training loop from scratch" in JAX / TensorFlow / PyTorch):
gradients from the backend, optimizer.apply (stateless_apply on JAX), metric
update_state / result / reset_state, a loss written with keras.ops.
"""

import numpy as np

import keras
from keras import layers, ops
from _common import backend, can_train, emit, set_weights_from_rng

keras.utils.set_random_seed(8)
rng = np.random.default_rng(8)
BACKEND = backend()

x = rng.standard_normal((64, 6)).astype("float32")
y = (x[:, :3].sum(axis=1) > 0).astype("int32") + (x[:, 3] > 1).astype("int32")

model = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(16, activation="gelu"),
                          layers.LayerNormalization(), layers.Dense(3)])
set_weights_from_rng(model, seed=8)
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = keras.optimizers.AdamW(learning_rate=1e-2, weight_decay=1e-2)
optimizer.build(model.trainable_variables)
acc = keras.metrics.SparseCategoricalAccuracy()


def total_loss(y_true, logits, weights):
    l2 = ops.sum(ops.stack([ops.sum(ops.square(w)) for w in weights]))
    return loss_fn(y_true, logits) + 1e-3 * l2


result = {"fwd_logits": model(x[:3]), "fwd_loss": total_loss(y[:8], model(x[:8]), model.trainable_variables)}
losses = []
if can_train() and BACKEND == "jax":
    import jax

    def compute_loss(trainable, non_trainable, xb, yb):
        logits, non_trainable = model.stateless_call(trainable, non_trainable, xb, training=True)
        return total_loss(yb, logits, trainable), (logits, non_trainable)

    @jax.jit
    def train_step(state, xb, yb):
        trainable, non_trainable, opt_vars, metric_vars = state
        (loss, (logits, non_trainable)), grads = jax.value_and_grad(compute_loss, has_aux=True)(
            trainable, non_trainable, xb, yb)
        trainable, opt_vars = optimizer.stateless_apply(opt_vars, grads, trainable)
        metric_vars = acc.stateless_update_state(metric_vars, yb, logits)
        return loss, (trainable, non_trainable, opt_vars, metric_vars)

    state = ([v.value for v in model.trainable_variables],
             [v.value for v in model.non_trainable_variables],
             [v.value for v in optimizer.variables], [v.value for v in acc.variables])
    for epoch in range(3):
        for i in range(0, 64, 16):
            loss, state = train_step(state, x[i:i + 16], y[i:i + 16])
            losses.append(float(loss))
        result[f"acc_epoch{epoch}"] = acc.stateless_result(state[3])
        state = state[:3] + ([ops.zeros_like(v) for v in state[3]],)
    for v, value in zip(model.trainable_variables, state[0]):
        v.assign(value)
    for v, value in zip(optimizer.variables, state[2]):
        v.assign(value)
elif can_train():
    if BACKEND == "tensorflow":
        import tensorflow as tf

        def grads_of(xb, yb):
            with tf.GradientTape() as tape:
                logits = model(xb, training=True)
                loss = total_loss(yb, logits, model.trainable_variables)
            return loss, logits, tape.gradient(loss, model.trainable_variables)
    else:
        import torch

        def grads_of(xb, yb):
            model.zero_grad()
            logits = model(xb, training=True)
            loss = total_loss(yb, logits, model.trainable_variables)
            loss.backward()
            return loss, logits, [v.value.grad for v in model.trainable_variables]

    for epoch in range(3):
        for i in range(0, 64, 16):
            loss, logits, grads = grads_of(x[i:i + 16], y[i:i + 16])
            if BACKEND == "torch":
                with torch.no_grad():
                    optimizer.apply(grads, model.trainable_variables)
            else:
                optimizer.apply(grads, model.trainable_variables)
            acc.update_state(y[i:i + 16], logits)
            losses.append(float(ops.convert_to_numpy(loss)))
        result[f"acc_epoch{epoch}"] = acc.result()
        acc.reset_state()
if can_train():
    result["losses"] = losses
    result["logits_after"] = model(x[:3])
    result["optimizer_iterations"] = int(ops.convert_to_numpy(optimizer.iterations))
emit(result)

"""LSTM and GRU through PyTorch's fused kernels (``torch._VF.lstm``/``gru``) when the
configuration allows it; otherwise the generic loop of `run_rnn` runs.

The fused path computes the same recurrence with kc's own weights:
- LSTM: PyTorch's gate order i, f, g, o equals Keras's i, f, c, o; PyTorch holds
  (4 * units, in) matrices, i.e. ``kernel.T`` and ``recurrent_kernel.T``; its two
  biases add, so ``b_ih = bias`` and ``b_hh = 0``.
- GRU with ``reset_after=True``: PyTorch computes
  ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))`` and ``h' = (1 - z) n + z h``,
  which is Keras's reset_after GRU; its gate order is r, z, n where Keras has z, r, h,
  and bias rows 0 and 1 of Keras are ``b_ih`` and ``b_hh``.

Allowed (and ``use_cudnn`` not False): tanh/sigmoid activations, no recurrent dropout in training (input
dropout uses one mask for all steps, so it is applied to the whole sequence
first), ``unroll=False``, and no mask or a right-padded mask (each row a run of
True then False, at least one True; not with ``go_backwards``). Masked steps
then repeat the last valid output (or give zeros with ``zero_output_for_mask``),
as the generic loop does.
"""

from __future__ import annotations

import contextlib
import warnings

from kc import activations, config


def _eligible(layer, sequences, training) -> bool:
    if config.backend() != "torch" or layer.unroll or getattr(layer, "use_cudnn", "auto") is False:
        return False
    import torch

    if not isinstance(sequences, torch.Tensor) or sequences.ndim != 3:
        return False
    cell = layer.cell
    if cell.activation is not activations.tanh or cell.recurrent_activation is not activations.sigmoid:
        return False
    if training and cell.recurrent_dropout > 0:
        return False
    return True


def _lengths(mask, sequences, go_backwards):
    """(lengths tensor or None, bool mask) for a right-padded mask; False when not eligible."""
    import torch

    if mask is None:
        return None, None
    m = torch.as_tensor(mask, device=sequences.device).bool()
    if m.shape != sequences.shape[:2]:
        return False, None
    lengths = m.sum(dim=1)
    steps = torch.arange(m.shape[1], device=m.device)
    if bool(m.all()):
        return None, None
    if go_backwards or bool((lengths == 0).any()) or not torch.equal(m, steps[None] < lengths[:, None]):
        return False, None
    return lengths, m


def fused_rnn(layer, sequences, states, mask, training):
    """``(last_output, outputs, states)`` of an LSTM/GRU layer from the fused kernel, or None
    when the configuration needs the generic loop."""
    if not _eligible(layer, sequences, training):
        return None
    kind = "lstm" if len(states) == 2 else "gru"
    if kind == "gru" and not layer.cell.reset_after:
        return None
    lengths, m = _lengths(mask, sequences, layer.go_backwards)
    if lengths is False:
        return None
    import torch
    from torch.nn.utils import rnn as rnn_utils

    cell = layer.cell
    x = sequences
    if training and 0.0 < cell.dropout < 1.0:
        x = x * cell.get_dropout_mask(x[:, 0])[:, None]
    if layer.go_backwards:
        x = torch.flip(x, (1,))
    params = _params(cell, kind)
    hx = [s[None] for s in states]
    if any(t.dtype != x.dtype or t.device != x.device for t in params + hx):
        return None  # e.g. a mixed policy without autocast: the generic loop casts as it goes
    fn = torch._VF.lstm if kind == "lstm" else torch._VF.gru
    hx_arg = tuple(hx) if kind == "lstm" else hx[0]
    use_bias = cell.use_bias
    # The kernel's own dropout is 0; its "train" flag tells cuDNN to keep what backward needs.
    train = torch.is_grad_enabled()
    if lengths is None:
        with _no_compaction_warning():
            out = fn(x, hx_arg, params, use_bias, 1, 0.0, train, False, True)
        outputs, finals = out[0], list(out[1:])
        final_states = [f[0] for f in finals]
        return outputs[:, -1], outputs, final_states
    packed = rnn_utils.pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
    order, unorder = packed.sorted_indices, packed.unsorted_indices
    hx_sorted = [h.index_select(1, order) for h in hx]
    hx_arg = tuple(hx_sorted) if kind == "lstm" else hx_sorted[0]
    with _no_compaction_warning():
        out = fn(packed.data, packed.batch_sizes, hx_arg, params, use_bias, 1, 0.0, train, False)
    padded, _ = rnn_utils.pad_packed_sequence(
        rnn_utils.PackedSequence(out[0], packed.batch_sizes, order, unorder),
        batch_first=True, total_length=x.shape[1])
    final_states = [f.index_select(1, unorder)[0] for f in out[1:]]
    fill = torch.zeros_like(padded) if layer.zero_output_for_mask else final_states[0][:, None]
    outputs = torch.where(m[..., None], padded, fill)
    return outputs[:, -1], outputs, final_states


@contextlib.contextmanager
def _no_compaction_warning():
    """cuDNN warns at each call that the weights are not one flat buffer; kc builds the
    weight list per call on purpose (the variables stay kc's own), so silence that one."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*not part of single contiguous chunk of memory.*")
        yield


def _params(cell, kind):
    """The fused kernel's weight list from the cell's variables."""
    import torch

    kernel, recurrent = cell.kernel.value, cell.recurrent_kernel.value
    if kind == "gru":  # Keras z, r, h -> PyTorch r, z, n
        kernel, recurrent = _gru_order(kernel), _gru_order(recurrent)
    params = [kernel.T, recurrent.T]
    if cell.use_bias:
        bias = cell.bias.value
        if kind == "lstm":
            params += [bias, torch.zeros_like(bias)]
        else:
            params += [_gru_order(bias[0]), _gru_order(bias[1])]
    # cuDNN needs contiguous weights (the transposes are views).
    return [p.contiguous() for p in params]


def _gru_order(t):
    z, r, h = t.chunk(3, dim=-1)
    import torch

    return torch.cat([r, z, h], dim=-1)


class FusedLoop:
    """Mixin of the LSTM and GRU layers (before `RNN` in the bases): on torch, PyTorch's
    fused kernel runs the loop when the configuration allows (see the module notes)."""

    def inner_loop(self, sequences, initial_state, mask, training=False):
        fused = fused_rnn(self, sequences, initial_state, mask, training)
        if fused is not None:
            return fused
        return super().inner_loop(sequences, initial_state, mask, training)

"""kc.utils.get_source_inputs walks a functional graph back to its Input tensors."""

import kc


def _ids(tensors):
    return [id(t) for t in tensors]


def test_source_inputs_of_a_shared_layer_graph():
    a, b, unused = kc.Input((2,)), kc.Input((2,)), kc.Input((2,))
    dense = kc.layers.Dense(2)
    summed = kc.layers.Add()([a, dense(b)])
    out = kc.layers.Concatenate()([summed, dense(a)])
    assert _ids(kc.utils.get_source_inputs(out)) == _ids([a, b])
    assert _ids(kc.utils.get_source_inputs(dense(b))) == _ids([b])
    assert _ids(kc.utils.get_source_inputs(a)) == _ids([a])
    assert id(unused) not in _ids(kc.utils.get_source_inputs(out))


def test_source_inputs_through_ops_and_nested_model():
    inner_in = kc.Input((3,))
    inner = kc.Model(inner_in, kc.layers.Dense(1)(inner_in))
    x = kc.Input((3,))
    y = kc.ops.add(inner(x), 1.0)
    assert _ids(kc.utils.get_source_inputs(y)) == _ids([x])

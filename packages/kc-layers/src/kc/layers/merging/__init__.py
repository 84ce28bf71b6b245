"""Merging layers (Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot) and
their functional forms."""

from kc.layers.merging._concatenate_dot import Concatenate as Concatenate
from kc.layers.merging._concatenate_dot import Dot as Dot
from kc.layers.merging._concatenate_dot import concatenate as concatenate
from kc.layers.merging._concatenate_dot import dot as dot
from kc.layers.merging._merge import Add as Add
from kc.layers.merging._merge import Average as Average
from kc.layers.merging._merge import Maximum as Maximum
from kc.layers.merging._merge import Merge as Merge
from kc.layers.merging._merge import Minimum as Minimum
from kc.layers.merging._merge import Multiply as Multiply
from kc.layers.merging._merge import Subtract as Subtract
from kc.layers.merging._merge import add as add
from kc.layers.merging._merge import average as average
from kc.layers.merging._merge import maximum as maximum
from kc.layers.merging._merge import minimum as minimum
from kc.layers.merging._merge import multiply as multiply
from kc.layers.merging._merge import subtract as subtract

"""`kc.preprocessing.image`: load, convert, save and resize images."""

from kc.data._images import array_to_img as array_to_img
from kc.data._images import img_to_array as img_to_array
from kc.data._images import load_img as load_img
from kc.data._images import save_img as save_img
from kc.data._images import smart_resize as smart_resize

__all__ = ["array_to_img", "img_to_array", "load_img", "save_img", "smart_resize"]

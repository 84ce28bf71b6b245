"""`kc.preprocessing`: Keras's legacy preprocessing namespace (datasets from folders/arrays)."""

from kc.data._from_directory import image_dataset_from_directory as image_dataset_from_directory
from kc.data._from_directory import text_dataset_from_directory as text_dataset_from_directory
from kc.data._timeseries import timeseries_dataset_from_array as timeseries_dataset_from_array
from kc.preprocessing import image as image
from kc.preprocessing import sequence as sequence

__all__ = ["image", "image_dataset_from_directory", "sequence", "text_dataset_from_directory",
           "timeseries_dataset_from_array"]

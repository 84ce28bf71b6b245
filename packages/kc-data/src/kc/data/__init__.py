"""kc.data: every data source into every backend (the data half of Keras 3's trainers).

`get_data_adapter` turns NumPy arrays, pandas objects, backend tensors,
sparse matrices, tf.data datasets, torch DataLoaders/Datasets, `PyDataset`s
and Python generators into a `DataAdapter`; `EpochIterator` runs it epoch by
epoch for a training loop. Importing kc.data imports no deep-learning
framework beyond the active backend; sources are recognised without
importing theirs.
"""

from kc.data._adapter import DataAdapter as DataAdapter
from kc.data._array import ArrayDataAdapter as ArrayDataAdapter
from kc.data._epoch import EpochIterator as EpochIterator
from kc.data._generator import GeneratorDataAdapter as GeneratorDataAdapter
from kc.data._get_adapter import get_data_adapter as get_data_adapter
from kc.data._packing import pack_x_y_sample_weight as pack_x_y_sample_weight
from kc.data._packing import train_validation_split as train_validation_split
from kc.data._packing import unpack_x_y_sample_weight as unpack_x_y_sample_weight
from kc.data._py_dataset import PyDataset as PyDataset
from kc.data._py_dataset import PyDatasetAdapter as PyDatasetAdapter
from kc.data._py_dataset import Sequence as Sequence
from kc.data._sources import UnsupportedDataError as UnsupportedDataError

# Utilities: categorical encoding, sequences, time series, images, directory datasets.
from kc.data._categorical import normalize as normalize
from kc.data._categorical import to_categorical as to_categorical
from kc.data._from_directory import audio_dataset_from_directory as audio_dataset_from_directory
from kc.data._from_directory import image_dataset_from_directory as image_dataset_from_directory
from kc.data._from_directory import text_dataset_from_directory as text_dataset_from_directory
from kc.data._images import array_to_img as array_to_img
from kc.data._images import img_to_array as img_to_array
from kc.data._images import load_img as load_img
from kc.data._images import save_img as save_img
from kc.data._images import smart_resize as smart_resize
from kc.data._sequences import pad_sequences as pad_sequences
from kc.data._split import split_dataset as split_dataset
from kc.data._get_file import get_file as get_file
from kc.data._timeseries import timeseries_dataset_from_array as timeseries_dataset_from_array


def __getattr__(name: str):
    # Adapters whose modules import their framework: loaded on first use only.
    if name == "TFDatasetAdapter":
        from kc.data._tf_dataset import TFDatasetAdapter

        return TFDatasetAdapter
    if name == "TorchDataLoaderAdapter":
        from kc.data._torch import TorchDataLoaderAdapter

        return TorchDataLoaderAdapter
    raise AttributeError(f"module 'kc.data' has no attribute {name!r}")

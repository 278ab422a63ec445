namespace GenLstm;

/// <summary>The kinds of weight file <see cref="WeightFile.Open(string)"/> recognizes, by content rather than by file extension.</summary>
public enum WeightFileFormat
{
    /// <summary>Tensors built in memory (<see cref="WeightFile(string, WeightFileFormat, System.Collections.Generic.IEnumerable{WeightTensor}, System.Collections.Generic.IEnumerable{WeightFileStatement}?, System.Collections.Generic.IEnumerable{string}?)"/>).</summary>
    InMemory = 0,

    /// <summary>safetensors (<c>safetensors.torch.save_file</c>), with PyTorch state-dict names or Keras weight names.</summary>
    SafeTensors = 1,

    /// <summary>A NumPy <c>.npz</c> archive of named arrays (<c>numpy.savez</c>, <c>savez_compressed</c>) with PyTorch state-dict names.</summary>
    NumPyArchive = 2,

    /// <summary>An ONNX model (<c>.onnx</c>) with one <c>LSTM</c> node per layer.</summary>
    Onnx = 3,

    /// <summary>RTNeural's JSON model (<c>python/model_utils.py</c>'s export of a Keras model): a <c>layers</c> list.</summary>
    RtNeuralJson = 4,

    /// <summary>
    /// A PyTorch state dict written as JSON (<c>json.dump(model.state_dict())</c>, RTNeural's PyTorch flavour), or the
    /// GuitarML / Automated-GuitarAmpModelling file with <c>model_data</c> and <c>state_dict</c>.
    /// </summary>
    StateDictJson = 5,

    /// <summary>A Keras 2 HDF5 file (<c>model.save</c>, <c>model.save_weights</c>): read by the <c>GenLstm.Keras</c> package.</summary>
    KerasHdf5 = 6,

    /// <summary>
    /// A Neural Amp Modeler file (<c>.nam</c>) of NAM's LSTM architecture: one flat <c>weights</c> list cut into the layers' tensors,
    /// their stored initial states (<c>initial_h_l{k}</c>, <c>initial_c_l{k}</c>) and the linear head.
    /// </summary>
    Nam = 7,
}

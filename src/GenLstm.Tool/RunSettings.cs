namespace GenLstm.Tool;

/// <summary>The options of <c>genlstm run</c>.</summary>
/// <param name="ModelRate">The model's rate in Hz given on the command line (<c>--model-rate</c>), instead of the file's; or null.</param>
/// <param name="NoCorrection">Run at sample-rate ratio 1 on the WAV's samples whatever the rates (<c>--no-correction</c>).</param>
/// <param name="Preroll">Samples of silence to run before the WAV, their outputs discarded (<c>--preroll</c>).</param>
internal sealed record RunSettings(double? ModelRate = null, bool NoCorrection = false, int Preroll = 0);

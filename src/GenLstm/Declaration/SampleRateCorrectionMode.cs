namespace GenLstm;

/// <summary>
/// How a stream of a model declared with <see cref="LstmAttribute.MaxSampleRateRatio"/> turns a sample-rate ratio into a recurrent
/// delay: RTNeural's <c>SampleRateCorrectionMode</c>.
/// </summary>
public enum SampleRateCorrectionMode
{
    /// <summary>No correction: the recurrent state is read from the step before, whatever the ratio.</summary>
    None = 0,

    /// <summary>The delay is the ratio rounded to the nearest whole number of steps (RTNeural's <c>NoInterp</c>).</summary>
    NoInterpolation = 1,

    /// <summary>
    /// The delay is the ratio itself: the state is interpolated linearly between the two neighbouring steps (RTNeural's
    /// <c>LinInterp</c>).
    /// </summary>
    LinearInterpolation = 2,
}

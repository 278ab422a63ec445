using System;
using System.Globalization;
using GenLstm.Contract;

namespace GenLstm.Tool;

/// <summary>
/// How <c>genlstm run</c> feeds a WAV file to a model trained at some rate: at the WAV's rate, with the sample-rate correction
/// when it is higher; or resampled up to the model's rate and back when it is lower.
/// </summary>
/// <param name="Ratio">The stream's sample-rate ratio (1: no correction).</param>
/// <param name="ResampleTo">The rate the audio is resampled to before the model (and back from after it), or null.</param>
/// <param name="Description">What was chosen and why, in words.</param>
internal sealed record RatePlan(double Ratio, int? ResampleTo, string Description)
{
    /// <summary>The plan for a WAV at <paramref name="wavRate"/>.</summary>
    /// <param name="wavRate">The WAV's rate in Hz.</param>
    /// <param name="fileRate">The rate the model file states, or null.</param>
    /// <param name="settings">The command line's choices (<c>--model-rate</c>, <c>--no-correction</c>).</param>
    /// <exception cref="NotSupportedException">The WAV's rate is more than the largest ratio the correction runs times the model's.</exception>
    public static RatePlan Choose(int wavRate, double? fileRate, RunSettings settings)
    {
        if ((settings.ModelRate ?? fileRate) is not { } modelRate)
        {
            return new(1, null, $"the model file states no sample rate: taken to be the WAV's, {Hz(wavRate)} (--model-rate sets it)");
        }
        string model = settings.ModelRate is null ? $"the model's {Hz(modelRate)}" : $"the model's {Hz(modelRate)} (--model-rate)";
        if (settings.NoCorrection)
        {
            return new(1, null, $"--no-correction: the WAV's {Hz(wavRate)} run at ratio 1, whatever {model}");
        }
        if (wavRate < modelRate)
        {
            int target = (int)Math.Round(modelRate);
            return new(1, target, $"the WAV's {Hz(wavRate)} is below {model}: resampled to {Hz(target)} for the model and back (WDL resampler)");
        }
        double ratio = wavRate / modelRate;
        if (ratio > LstmLimits.MaxSampleRateRatio)
        {
            throw new NotSupportedException(
                $"the WAV's {Hz(wavRate)} is {Number(ratio)} times {model}, beyond the sample-rate correction's largest ratio, {LstmLimits.MaxSampleRateRatio}: "
                + $"resample the WAV to at most {Hz(modelRate * LstmLimits.MaxSampleRateRatio)}, or run it with --no-correction.");
        }
        return ratio == 1
            ? new(1, null, $"the WAV's {Hz(wavRate)} is {model}: no correction needed")
            : new(ratio, null, $"sample-rate correction at ratio {Number(ratio)} (the WAV's {Hz(wavRate)} / {model}), linear interpolation");
    }

    private static string Hz(double rate) => $"{Number(rate)} Hz";

    private static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}

using System;
using System.Collections.Generic;
using System.Linq;

namespace GenLstm.Tool;

/// <summary>
/// Runs any declaration a weight file fits, in float64, with the equations of GenLstm's generated kernels (README,
/// "Variants"; a GRU's in <see cref="GruAttribute"/>): what <c>genlstm check</c> prints, so that a user can compare a file
/// with the framework that trained it before declaring the model. The generated float32 kernels agree with it to about 1e-6.
/// </summary>
internal sealed class ReferenceRunner
{
    private readonly LstmDeclaration _declaration;
    private readonly PyTorchLstmTensors[] _layers;
    private readonly DenseLayer? _head;

    private ReferenceRunner(LstmDeclaration declaration, PyTorchLstmTensors[] layers, DenseLayer? head)
    {
        _declaration = declaration;
        _layers = layers;
        _head = head;
    }

    public int InputSize => _declaration.InputSize;

    /// <exception cref="NotSupportedException">The model uses layer normalization, which this runner does not compute.</exception>
    /// <exception cref="WeightFormatException">A tensor is missing or misshaped.</exception>
    public static ReferenceRunner Create(WeightFile file, LstmDeclaration declaration)
    {
        if (declaration.LayerNorm)
        {
            throw new NotSupportedException("check does not run layer-normalized LSTMs; declare the model and run it with GenLstm.");
        }
        PyTorchLstmTensors[] layers = PyTorchLstmTensors.ReadLayers(file, declaration);
        DenseLayer? head = declaration.OutputSize > 0
            ? DenseLayer.Read(file, Directions(declaration) * Recurrent(declaration), declaration.OutputSize, declaration.OutputActivation)
            : null;
        return new ReferenceRunner(declaration, layers, head);
    }

    /// <summary>Runs one sequence from the file's initial state (zero unless it stores one); returns one output row per step, the input skip added.</summary>
    public double[][] Run(IReadOnlyList<double[]> inputs, Action<int>? progress = null)
    {
        int directions = Directions(_declaration);
        IReadOnlyList<double[]> sequence = inputs;
        for (int layer = 0; layer < _declaration.Layers; layer++)
        {
            var outputs = new double[sequence.Count][];
            for (int t = 0; t < outputs.Length; t++)
            {
                outputs[t] = new double[directions * Recurrent(_declaration)];
            }
            for (int d = 0; d < directions; d++)
            {
                bool reverse = d == 1 || _declaration.Direction == LstmDirection.Reverse;
                PyTorchLstmTensors tensors = _layers[layer * directions + d];
                if (_declaration.Cell == RecurrentCell.Gru)
                {
                    RunGruDirection(tensors, sequence, outputs, d * Recurrent(_declaration), reverse);
                }
                else
                {
                    RunDirection(tensors, sequence, outputs, d * Recurrent(_declaration), reverse);
                }
            }
            sequence = outputs;
            progress?.Invoke(layer + 1);
        }
        return _head is null ? [.. sequence] : [.. sequence.Select((row, t) => WithSkip(Head(row), inputs[t]))];
    }

    private void RunDirection(PyTorchLstmTensors tensors, IReadOnlyList<double[]> inputs, double[][] outputs, int offset, bool reverse)
    {
        int h = _declaration.HiddenSize, recurrent = Recurrent(_declaration), columns = inputs[0].Length;
        double[] hidden = tensors.InitialHidden is { } h0 ? [.. h0.Select(v => (double)v)] : new double[recurrent];
        double[] cell = tensors.InitialCell is { } c0 ? [.. c0.Select(v => (double)v)] : new double[h];
        var z = new double[4 * h];
        var full = new double[h];
        for (int step = 0; step < inputs.Count; step++)
        {
            int t = reverse ? inputs.Count - 1 - step : step;
            for (int row = 0; row < 4 * h; row++)
            {
                double sum = (double)tensors.BiasIh[row] + tensors.BiasHh[row];
                for (int k = 0; k < columns; k++)
                {
                    sum += (double)tensors.WeightIh[row * columns + k] * inputs[t][k];
                }
                for (int k = 0; k < recurrent; k++)
                {
                    sum += (double)tensors.WeightHh[row * recurrent + k] * hidden[k];
                }
                z[row] = sum;
            }
            for (int j = 0; j < h; j++)
            {
                double[] p = tensors.Peepholes is { } peep ? [peep[j], peep[h + j], peep[2 * h + j]] : [0, 0, 0];
                double f = Gate(z[h + j] + p[1] * cell[j]);
                double i = _declaration.CoupledInputForget ? 1 - f : Gate(z[j] + p[0] * cell[j]);
                double g = Activate(_declaration.CellActivation, Clip(z[2 * h + j]));
                cell[j] = f * cell[j] + i * g;
                double o = Gate(z[3 * h + j] + p[2] * cell[j]);
                full[j] = o * Activate(_declaration.HiddenActivation, cell[j]);
            }
            if (tensors.WeightHr is { } projection)
            {
                for (int r = 0; r < recurrent; r++)
                {
                    hidden[r] = Enumerable.Range(0, h).Sum(j => (double)projection[r * h + j] * full[j]);
                }
            }
            else
            {
                full.CopyTo(hidden, 0);
            }
            hidden.CopyTo(outputs[t], offset);
        }
    }

    /// <summary>
    /// One direction of a GRU layer, gates r, z, n in PyTorch's row order: r = f(W_r x + b_ir + U_r h + b_hr), z likewise,
    /// n = g(W_n x + b_in + r ⊙ (U_n h + b_hn)) or, with ResetAfter = false, g(W_n x + b_in + U_n (r ⊙ h) + b_hn);
    /// h = (1 − z) ⊙ n + z ⊙ h. f and g are the declared GateActivation and CellActivation, clipped as declared.
    /// </summary>
    private void RunGruDirection(PyTorchLstmTensors tensors, IReadOnlyList<double[]> inputs, double[][] outputs, int offset, bool reverse)
    {
        int h = _declaration.HiddenSize, columns = inputs[0].Length;
        double[] hidden = tensors.InitialHidden is { } h0 ? [.. h0.Select(v => (double)v)] : new double[h];
        var input = new double[3 * h];       // W x + b_i, every gate
        var recurrent = new double[3 * h];   // U h + b_h, every gate (n's row: U_n (r ⊙ h) + b_hn when the reset comes first)
        var reset = new double[h];
        for (int step = 0; step < inputs.Count; step++)
        {
            int t = reverse ? inputs.Count - 1 - step : step;
            for (int row = 0; row < 3 * h; row++)
            {
                input[row] = tensors.BiasIh[row] + Dot(tensors.WeightIh, row, columns, inputs[t]);
            }
            for (int row = 0; row < 2 * h; row++)
            {
                recurrent[row] = tensors.BiasHh[row] + Dot(tensors.WeightHh, row, h, hidden);
            }
            for (int j = 0; j < h; j++)
            {
                reset[j] = Gate(input[j] + recurrent[j]);
            }
            double[] resetHidden = [.. reset.Select((r, j) => r * hidden[j])];
            for (int j = 0; j < h; j++)
            {
                int row = 2 * h + j;
                recurrent[row] = tensors.BiasHh[row] + Dot(tensors.WeightHh, row, h, _declaration.ResetAfter ? hidden : resetHidden);
            }
            for (int j = 0; j < h; j++)
            {
                double update = Gate(input[h + j] + recurrent[h + j]);
                double candidate = Activate(_declaration.CellActivation, Clip(input[2 * h + j]
                    + (_declaration.ResetAfter ? reset[j] * recurrent[2 * h + j] : recurrent[2 * h + j])));
                hidden[j] = (1 - update) * candidate + update * hidden[j];
            }
            hidden.CopyTo(outputs[t], offset);
        }
    }

    /// <summary>Row <paramref name="row"/> of a row-major [rows, <paramref name="columns"/>] matrix times <paramref name="values"/>.</summary>
    private static double Dot(float[] weights, int row, int columns, double[] values)
    {
        double sum = 0;
        for (int k = 0; k < columns; k++)
        {
            sum += (double)weights[row * columns + k] * values[k];
        }
        return sum;
    }

    private double Gate(double z) => Activate(_declaration.GateActivation, Clip(z));

    private double Clip(double z) => _declaration.ActivationClip > 0 ? Math.Clamp(z, -_declaration.ActivationClip, _declaration.ActivationClip) : z;

    /// <summary>y_t[j] += x_t[j] for j below the declaration's InputSkip.</summary>
    private double[] WithSkip(double[] output, double[] input)
    {
        for (int j = 0; j < _declaration.InputSkip; j++)
        {
            output[j] += input[j];
        }
        return output;
    }

    private double[] Head(double[] input)
    {
        DenseLayer head = _head!;
        var y = new double[head.Size];
        for (int r = 0; r < y.Length; r++)
        {
            double sum = head.Bias[r];
            for (int k = 0; k < head.InputSize; k++)
            {
                sum += (double)head.Weight[r * head.InputSize + k] * input[k];
            }
            y[r] = sum;
        }
        if (head.Activation == Activation.Softmax)
        {
            double max = y.Max();
            double total = y.Sum(v => Math.Exp(v - max));
            return [.. y.Select(v => Math.Exp(v - max) / total)];
        }
        return [.. y.Select(v => Activate(head.Activation, v))];
    }

    /// <summary>The activations with ONNX's default α and β, as GenLstm declares them by default.</summary>
    private static double Activate(Activation activation, double x) => activation switch
    {
        Activation.None => x,
        Activation.Sigmoid => 1 / (1 + Math.Exp(-x)),
        Activation.Tanh => Math.Tanh(x),
        Activation.Relu => Math.Max(0, x),
        Activation.HardSigmoid => Math.Clamp(0.2 * x + 0.5, 0, 1),
        Activation.LeakyRelu => x >= 0 ? x : 0.01 * x,
        Activation.ThresholdedRelu => x > 1 ? x : 0,
        Activation.ScaledTanh => Math.Tanh(x),
        Activation.Affine => x,
        Activation.Elu => x >= 0 ? x : Math.Exp(x) - 1,
        Activation.Softsign => x / (1 + Math.Abs(x)),
        Activation.Softplus => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x))),
        _ => throw new NotSupportedException($"Activation.{activation} is not an element-wise activation."),
    };

    private static int Directions(LstmDeclaration d) => d.Direction == LstmDirection.Bidirectional ? 2 : 1;

    private static int Recurrent(LstmDeclaration d) => d.ProjectionSize > 0 ? d.ProjectionSize : d.HiddenSize;
}

using Warden.Core.Tensors;

namespace Warden.Core.Inference;

/// <summary>The inputs and outputs a model version declares, in graph order.</summary>
public sealed record ModelSignature(IReadOnlyList<TensorSpec> Inputs, IReadOnlyList<TensorSpec> Outputs)
{
    /// <summary>Input spec by name, or null.</summary>
    public TensorSpec? FindInput(string name)
    {
        foreach (var input in Inputs)
        {
            if (input.Name == name)
            {
                return input;
            }
        }

        return null;
    }

    /// <summary>Output spec by name, or null.</summary>
    public TensorSpec? FindOutput(string name)
    {
        foreach (var output in Outputs)
        {
            if (output.Name == name)
            {
                return output;
            }
        }

        return null;
    }
}

using Warden.Core.Onnx;
using Warden.Core.Onnx.Proto;

namespace Warden.Training.Transfer;

/// <summary>
/// The pretrained ResNet18 feature extractor shipped in NuGet package <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> 0.23.1
/// (He, Zhang, Ren &amp; Sun 2016, "Deep residual learning for image recognition"; a CNTK export, IR 3, opset 8), joined to the
/// package's preprocessing graph so one graph maps an RGB image (float [N,3,224,224], 0–255) to its 512 pooled features
/// (float [N,512,1,1]). The preprocessing reorders RGB to BGR and subtracts the package's mean image. The package fixes the
/// batch size at 1; the joined graph declares it symbolic (<c>N</c>): ResNet18 has no reshape that would depend on it.
/// </summary>
public static class ResNet18Backbone
{
    /// <summary>Input of the joined graph.</summary>
    public const string ImageInput = "image";

    /// <summary>Output of the joined graph (the global average pool of the last residual block).</summary>
    public const string FeatureOutput = "features";

    /// <summary>Feature dimension.</summary>
    public const int FeatureCount = 512;

    private const string ResNetInput = "Input247";
    private const string ResNetOutput = "Pooling395_Output_0";
    private const string PrepPrefix = "prep_";

    /// <summary>Folder, next to the assembly, where the build copies the two package files.</summary>
    public static string DefaultModelDirectory => Path.Combine(AppContext.BaseDirectory, "DnnImageModels");

    /// <summary>Joins <c>ResNetPreprocess.onnx</c> and <c>ResNet18.onnx</c> from <paramref name="modelDirectory"/>.</summary>
    /// <exception cref="InvalidDataException">A file is missing or its interface is not the expected one.</exception>
    public static OnnxGraphEditor Load(string? modelDirectory = null)
    {
        modelDirectory ??= DefaultModelDirectory;
        var resnetPath = Path.Combine(modelDirectory, "ResNet18.onnx");
        var prepPath = Path.Combine(modelDirectory, "ResNetPreprocess.onnx");
        foreach (var path in new[] { resnetPath, prepPath })
        {
            if (!File.Exists(path))
            {
                throw new InvalidDataException($"{path} not found; it is copied from NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 at build time.");
            }
        }

        var resnet = OnnxGraphEditor.LoadFile(resnetPath);
        var prep = OnnxGraphEditor.LoadFile(prepPath);
        Expect(resnet, ResNetInput, ResNetOutput, resnetPath);
        var prepGraph = prep.Model.Graph;
        if (prepGraph.Input.Count != 1 || prepGraph.Output.Count != 1)
        {
            throw new InvalidDataException($"{prepPath}: expected one input and one output.");
        }

        // Preprocessing names get a prefix; its input becomes the joined input and its output feeds ResNet's input.
        var prepIn = prepGraph.Input[0].Name;
        var prepOut = prepGraph.Output[0].Name;
        string Map(string name) => name == prepIn ? ImageInput : name == prepOut ? ResNetInput : PrepPrefix + name;
        var graph = resnet.Model.Graph;
        var nodes = prepGraph.Node.Select((n, index) =>
        {
            // The package leaves node names empty; ONNX Runtime requires non-empty ones to be unique, so number them.
            var copy = n.Clone();
            copy.Name = PrepPrefix + n.OpType + "_" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            for (var i = 0; i < copy.Input.Count; i++)
            {
                copy.Input[i] = Map(copy.Input[i]);
            }

            for (var i = 0; i < copy.Output.Count; i++)
            {
                copy.Output[i] = Map(copy.Output[i]);
            }

            return copy;
        }).ToList();
        nodes.AddRange(graph.Node);
        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        foreach (var tensor in prepGraph.Initializer)
        {
            var copy = tensor.Clone();
            copy.Name = Map(tensor.Name);
            graph.Initializer.Add(copy);
        }

        var input = prepGraph.Input[0].Clone();
        input.Name = ImageInput;
        graph.Input.Clear();
        graph.Input.Add(input);
        resnet.RenameOutput(ResNetOutput, FeatureOutput).SetBatchDimension();
        return resnet;
    }

    private static void Expect(OnnxGraphEditor editor, string input, string output, string path)
    {
        if (editor.Inputs.Count != 1 || editor.Inputs[0].Name != input || editor.Outputs.Count != 1 || editor.Outputs[0].Name != output)
        {
            throw new InvalidDataException($"{path}: expected input {input} and output {output}.");
        }
    }

    /// <summary>A float tensor initializer.</summary>
    internal static TensorProto FloatTensor(string name, long[] dims, IEnumerable<float> values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(values);
        return tensor;
    }
}

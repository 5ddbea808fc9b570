using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Warden.Core.Onnx;
using Warden.Core.Onnx.Proto;

namespace Warden.Core.Tests.Onnx;

public class OnnxGraphEditorTests
{
    // x = [[1, 1]]: t = x + [1.5, -2] = [2.5, -1]; z = Relu(t) = [2.5, 0]; w = 2t = [5, -2].
    [Fact]
    public void Unedited_tiny_model_computes_in_onnx_runtime()
    {
        var bytes = TinyModel.Build().ToByteArray();

        var outputs = TinyModel.Run(bytes, "x", [1f, 1f]);

        Assert.Equal([2.5f, 0f], outputs["z"]);
        Assert.Equal([5f, -2f], outputs["w"]);
    }

    [Fact]
    public void Load_then_save_without_edits_reproduces_the_bytes()
    {
        var bytes = TinyModel.Build().ToByteArray();

        var saved = OnnxGraphEditor.Load(bytes).ToBytes();

        Assert.Equal(bytes, saved);
    }

    [Fact]
    public void Fields_not_declared_in_the_proto_survive_a_round_trip()
    {
        // Field 25 of ModelProto is `functions` (FunctionProto), not declared in our onnx.proto.
        // Payload: FunctionProto { name (field 1) = "f" } = 0x0A 0x01 'f'. Tag for field 25, wire type 2 = (25 << 3) | 2 = 202 = varint 0xCA 0x01.
        byte[] unknown = [0xCA, 0x01, 0x03, 0x0A, 0x01, (byte)'f'];
        var bytes = TinyModel.Build().ToByteArray().Concat(unknown).ToArray();

        var editor = OnnxGraphEditor.Load(bytes);
        editor.SetMetadata("k", "v");
        var saved = editor.ToBytes();

        Assert.Equal(unknown, saved[^unknown.Length..]);
    }

    [Fact]
    public void Explicit_zero_scalars_keep_their_presence()
    {
        var model = TinyModel.Build();
        model.Graph.Node[0].Attribute.Add(new AttributeProto { Name = "a", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
        model.Graph.Input[0].Type.TensorType.Shape.Dim[1].DimValue = 0;

        var reloaded = OnnxGraphEditor.Load(model.ToByteArray()).Model;

        Assert.True(reloaded.Graph.Node[0].Attribute[0].HasI);
        Assert.Equal(TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue, reloaded.Graph.Input[0].Type.TensorType.Shape.Dim[1].ValueCase);
    }

    [Fact]
    public void Raw_data_initializer_is_read_back_as_the_same_little_endian_floats()
    {
        var reloaded = OnnxGraphEditor.Load(TinyModel.Build().ToByteArray()).Model;

        var w = reloaded.Graph.Initializer.Single(t => t.Name == "W");
        var floats = new float[2];
        Buffer.BlockCopy(w.RawData.ToByteArray(), 0, floats, 0, 8);

        Assert.Equal((int)TensorProto.Types.DataType.Float, w.DataType);
        Assert.Equal([1.5f, -2f], floats);
        Assert.Empty(w.FloatData);
    }

    [Fact]
    public void Fixed_batch_dimension_rejects_other_batch_sizes_until_made_symbolic()
    {
        var bytes = TinyModel.Build().ToByteArray();
        Assert.Throws<OnnxRuntimeException>(() => TinyModel.Run(bytes, "x", [1f, 1f, 0f, 0f, -3f, 4f]));

        var editor = OnnxGraphEditor.Load(bytes).SetBatchDimension("N");
        var edited = editor.ToBytes();

        // Rows: [1,1] -> t [2.5,-1]; [0,0] -> t [1.5,-2]; [-3,4] -> t [-1.5,2].
        var outputs = TinyModel.Run(edited, "x", [1f, 1f, 0f, 0f, -3f, 4f]);
        Assert.Equal([2.5f, 0f, 1.5f, 0f, 0f, 2f], outputs["z"]);
        Assert.Equal([5f, -2f, 3f, -4f, -3f, 4f], outputs["w"]);
        Assert.All(editor.Inputs.Concat(editor.Outputs), v => Assert.Equal(["N", "2"], v.Shape));

        using var session = new InferenceSession(edited);
        Assert.Equal("N", session.InputMetadata["x"].SymbolicDimensions[0]);
        Assert.Equal("N", session.OutputMetadata["w"].SymbolicDimensions[0]);
        Assert.Null(editor.Model.Graph.ValueInfo.Single().Type.TensorType.Shape);
    }

    [Fact]
    public void Renaming_an_input_updates_every_node_that_reads_it()
    {
        var editor = OnnxGraphEditor.Load(TinyModel.Build().ToByteArray()).RenameInput("x", "features");

        var outputs = TinyModel.Run(editor.ToBytes(), "features", [1f, 1f]);

        Assert.Equal(["features"], editor.Inputs.Select(v => v.Name));
        Assert.Equal(["features", "W"], editor.Model.Graph.Node[0].Input);
        Assert.Equal([5f, -2f], outputs["w"]);
    }

    [Fact]
    public void Renaming_an_output_renames_the_producing_node_output()
    {
        var editor = OnnxGraphEditor.Load(TinyModel.Build().ToByteArray()).RenameOutput("z", "relu_out");

        var outputs = TinyModel.Run(editor.ToBytes(), "x", [1f, 1f]);

        Assert.Equal(["relu_out", "w"], editor.Outputs.Select(v => v.Name));
        Assert.Equal([2.5f, 0f], outputs["relu_out"]);
        Assert.DoesNotContain("z", outputs.Keys);
    }

    [Fact]
    public void Renaming_an_intermediate_value_consumed_elsewhere_keeps_the_graph_connected()
    {
        // Make t a graph output too, so renaming it must update both consumers (relu, mul) and the producer (add).
        var model = TinyModel.Build();
        model.Graph.Output.Add(TinyModel.Tensor("t", TensorProto.Types.DataType.Float, 1, 2));
        var editor = OnnxGraphEditor.Wrap(model).RenameOutput("t", "sum");

        var outputs = TinyModel.Run(editor.ToBytes(), "x", [1f, 1f]);

        Assert.Equal([2.5f, -1f], outputs["sum"]);
        Assert.Equal([2.5f, 0f], outputs["z"]);
        Assert.Equal([5f, -2f], outputs["w"]);
        Assert.Equal("sum", model.Graph.ValueInfo.Single().Name);
    }

    [Fact]
    public void Renaming_to_a_name_already_in_the_graph_is_refused()
    {
        var editor = OnnxGraphEditor.Load(TinyModel.Build().ToByteArray());

        Assert.Throws<ArgumentException>(() => editor.RenameOutput("z", "W"));
        Assert.Throws<ArgumentException>(() => editor.RenameInput("x", "t"));
        Assert.Throws<ArgumentException>(() => editor.RenameInput("nope", "y"));
        Assert.Throws<ArgumentException>(() => editor.RenameOutput("x", "y"));
    }

    [Fact]
    public void Keeping_one_output_drops_the_nodes_only_the_others_needed()
    {
        var editor = OnnxGraphEditor.Load(TinyModel.Build().ToByteArray()).KeepOutputs("z");

        var outputs = TinyModel.Run(editor.ToBytes(), "x", [1f, 1f]);

        Assert.Equal(["z"], outputs.Keys);
        Assert.Equal([2.5f, 0f], outputs["z"]);
        Assert.Equal(["Add", "Relu"], editor.Model.Graph.Node.Select(n => n.OpType));
        Assert.Equal(["W"], editor.Model.Graph.Initializer.Select(t => t.Name));
        Assert.Equal(["t"], editor.Model.Graph.ValueInfo.Select(v => v.Name));
    }

    [Fact]
    public void Kept_outputs_follow_the_requested_order()
    {
        var editor = OnnxGraphEditor.Load(TinyModel.Build().ToByteArray()).KeepOutputs("w", "z");

        using var session = new InferenceSession(editor.ToBytes());

        Assert.Equal(["w", "z"], session.OutputNames);
        Assert.Equal(3, editor.Model.Graph.Node.Count);
    }

    [Fact]
    public void Keeping_an_unknown_or_repeated_output_is_refused()
    {
        var editor = OnnxGraphEditor.Load(TinyModel.Build().ToByteArray());

        Assert.Throws<ArgumentException>(() => editor.KeepOutputs("t"));
        Assert.Throws<ArgumentException>(() => editor.KeepOutputs("z", "z"));
        Assert.Throws<ArgumentException>(() => editor.KeepOutputs());
        Assert.Equal(2, editor.Outputs.Count);
    }

    [Fact]
    public void Metadata_is_visible_to_onnx_runtime_and_a_second_set_replaces_the_value()
    {
        var editor = OnnxGraphEditor.Load(TinyModel.Build().ToByteArray())
            .SetMetadata("warden.score_output", "z")
            .SetMetadata("warden.score_output", "w")
            .SetMetadata("owner", "tests");

        using var session = new InferenceSession(editor.ToBytes());
        var map = session.ModelMetadata.CustomMetadataMap;

        Assert.Equal("w", map["warden.score_output"]);
        Assert.Equal("tests", map["owner"]);
        Assert.Equal(2, editor.Model.MetadataProps.Count);
    }

    [Fact]
    public void Bytes_that_are_not_a_model_are_rejected()
    {
        Assert.Throws<InvalidDataException>(() => OnnxGraphEditor.Load([0xFF, 0xFF, 0xFF]));
        Assert.Throws<InvalidDataException>(() => OnnxGraphEditor.Load([]));
    }

    [Fact]
    public void Signature_reports_element_type_and_shape()
    {
        var editor = OnnxGraphEditor.Load(TinyModel.Build().ToByteArray()).SetBatchDimension();

        var x = editor.Inputs.Single();

        Assert.Equal(TensorProto.Types.DataType.Float, x.ElementType);
        Assert.Equal("[N,2]", x.ShapeText);
    }
}

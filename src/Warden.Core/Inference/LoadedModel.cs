using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Warden.Core.Serving;
using Warden.Core.Tensors;

namespace Warden.Core.Inference;

/// <summary>
/// One model version loaded into ONNX Runtime. The session is created once and shared by all requests; it is disposed only
/// after it has been retired <em>and</em> the last in-flight request has released it, so unloading never breaks a request.
/// </summary>
public sealed class LoadedModel
{
    // Default run options, shared by every run of every session: the runtime only reads them (OrtRun takes them const), and a
    // native object created and released per request cost a measurable part of a small model's request.
    private static readonly RunOptions SharedRunOptions = new();

    private readonly InferenceSession[] _sessions;
    private readonly string[] _outputNames;

    // Spare input sets, one per slot; as many as runs are likely to overlap.
    private readonly PinnedInputs?[] _spareInputs = new PinnedInputs?[Math.Max(4, 2 * Environment.ProcessorCount)];
    private int _references = 1;
    private int _retired;
    private int _nextSession;
    private DynamicBatcher? _batcher;

    private LoadedModel(string model, string version, InferenceSession[] sessions, ModelSignature signature, SessionSettings? settings, VersionStatistics? statistics)
    {
        Model = model;
        Version = version;
        _sessions = sessions;
        Signature = signature;
        Settings = settings;
        Statistics = statistics;
        _outputNames = signature.Outputs.Select(o => o.Name).ToArray();
        IsBatchable = signature.Inputs.Count > 0
            && signature.Inputs.All(i => i.Shape is [-1, ..])
            && signature.Outputs.All(o => o.Shape is [-1, ..]);
    }

    /// <summary>The deployment's session settings this version was loaded with (null: the server-wide ones).</summary>
    public SessionSettings? Settings { get; }

    /// <summary>Where executions are counted (null for models loaded outside the registry).</summary>
    public VersionStatistics? Statistics { get; }

    /// <summary>Requests waiting in this version's batching queue.</summary>
    public int BatchQueueDepth => Volatile.Read(ref _batcher)?.QueueDepth ?? 0;

    /// <summary>Sessions serving this version.</summary>
    public int SessionCount => _sessions.Length;

    /// <summary>
    /// True when every input and output has a variable first dimension, so requests can be joined along it and the
    /// outputs split back (the condition Triton puts on <c>max_batch_size</c> &gt; 0).
    /// </summary>
    public bool IsBatchable { get; }

    /// <summary>Model name.</summary>
    public string Model { get; }

    /// <summary>Version label.</summary>
    public string Version { get; }

    /// <summary>Inputs and outputs of the graph (tensor-typed ones only).</summary>
    public ModelSignature Signature { get; }

    /// <summary>True once the session has been disposed.</summary>
    public bool IsDisposed => Volatile.Read(ref _references) == 0;

    /// <summary>Creates a session for <paramref name="onnx"/> and reads its signature.</summary>
    /// <param name="model">Model name.</param>
    /// <param name="version">Version label.</param>
    /// <param name="onnx">The ONNX file.</param>
    /// <param name="options">Server-wide session settings.</param>
    /// <param name="settings">The deployment's own session settings, overriding <paramref name="options"/>.</param>
    /// <param name="statistics">Where to count executions.</param>
    public static LoadedModel Load(string model, string version, byte[] onnx, OnnxOptions options, SessionSettings? settings = null, VersionStatistics? statistics = null)
    {
        using var sessionOptions = new SessionOptions
        {
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            IntraOpNumThreads = settings?.IntraOpThreads ?? options.IntraOpThreads,
            InterOpNumThreads = settings?.InterOpThreads ?? options.InterOpThreads,
            GraphOptimizationLevel = OnnxOptions.ToOptimizationLevel(settings?.GraphOptimizationLevel ?? options.GraphOptimizationLevel),
        };
        var sessions = new List<InferenceSession>();
        try
        {
            for (var i = 0; i < (settings?.Sessions ?? 1); i++)
            {
                sessions.Add(new InferenceSession(onnx, sessionOptions));
            }

            return new LoadedModel(model, version, [.. sessions], ReadSignature(sessions[0]), settings, statistics);
        }
        catch
        {
            foreach (var session in sessions)
            {
                session.Dispose();
            }

            throw;
        }
    }

    /// <summary>Reads the tensor inputs and outputs of a session; non-tensor outputs (maps, sequences) are not served.</summary>
    public static ModelSignature ReadSignature(InferenceSession session)
    {
        var inputs = new List<TensorSpec>();
        foreach (var name in session.InputNames)
        {
            var meta = session.InputMetadata[name];
            var datatype = meta.IsTensor ? TensorDatatypes.FromOnnx(meta.ElementDataType) : null;
            if (datatype is null)
            {
                throw new InvalidDataException($"input '{name}' has a type the inference protocol cannot carry ({meta.OnnxValueType}/{meta.ElementDataType})");
            }

            inputs.Add(new TensorSpec(name, datatype.Value, meta.Dimensions.Select(d => (long)d).ToArray()));
        }

        var outputs = new List<TensorSpec>();
        foreach (var name in session.OutputNames)
        {
            var meta = session.OutputMetadata[name];
            var datatype = meta.IsTensor ? TensorDatatypes.FromOnnx(meta.ElementDataType) : null;
            if (datatype is not null)
            {
                outputs.Add(new TensorSpec(name, datatype.Value, meta.Dimensions.Select(d => (long)d).ToArray()));
            }
        }

        if (outputs.Count == 0)
        {
            throw new InvalidDataException("the model has no tensor outputs");
        }

        return new ModelSignature(inputs, outputs);
    }

    /// <summary>Takes a reference for one request; false when the model is being unloaded.</summary>
    public bool TryAcquire()
    {
        while (true)
        {
            var current = Volatile.Read(ref _references);
            if (current == 0 || Volatile.Read(ref _retired) == 1)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _references, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>Returns a reference taken with <see cref="TryAcquire"/>.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            foreach (var session in _sessions)
            {
                session.Dispose();
            }

            for (var i = 0; i < _spareInputs.Length; i++)
            {
                Interlocked.Exchange(ref _spareInputs[i], null)?.Dispose();
            }
        }
    }

    /// <summary>Marks the model unloaded; the session is disposed when the last request releases it.</summary>
    public void Retire()
    {
        if (Interlocked.Exchange(ref _retired, 1) == 0)
        {
            // Requests already queued hold references, so they still run; later ones run on their own.
            Volatile.Read(ref _batcher)?.Complete();
            Release();
        }
    }

    /// <summary>
    /// Runs the request through the dynamic batcher when <paramref name="batching"/> is set and this version and request can
    /// be batched (every input's first dimension is the same and within the maximum batch size), else runs it at once.
    /// </summary>
    public ValueTask<NamedTensor[]> RunAsync(NamedTensor[] inputs, IReadOnlyList<string>? requestedOutputs, DynamicBatchingSettings? batching, Telemetry.WardenMetrics? metrics, TimeProvider time)
    {
        if (batching is not null && IsBatchable && DynamicBatcher.RowsOf(inputs) is { } rows && rows <= batching.MaxBatchSize)
        {
            var batcher = Volatile.Read(ref _batcher);
            if (batcher is null && Volatile.Read(ref _retired) == 0)
            {
                var created = new DynamicBatcher(this, metrics, time);
                batcher = Interlocked.CompareExchange(ref _batcher, created, null) ?? created;
                if (!ReferenceEquals(batcher, created) || Volatile.Read(ref _retired) == 1)
                {
                    // Lost the race to another request, or retired meanwhile: stop the spare worker.
                    created.Complete();
                }
            }

            if (batcher is not null && batcher.TryEnqueue(inputs, requestedOutputs, rows, batching, out var result))
            {
                return new ValueTask<NamedTensor[]>(result);
            }
        }

        var outputs = Run(inputs, requestedOutputs);
        Statistics?.Queue.Add(TimeSpan.Zero);
        return new ValueTask<NamedTensor[]>(outputs);
    }

    /// <summary>Runs the graph. Inputs must already be bound to the signature (see <see cref="InputBinder"/>).</summary>
    public NamedTensor[] Run(NamedTensor[] inputs, IReadOnlyList<string>? requestedOutputs)
    {
        var outputNames = requestedOutputs is null ? _outputNames : requestedOutputs.ToArray();
        var pinned = RentInputs(inputs);
        OrtValue[]? created = null;
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            string[] names;
            OrtValue[] values;
            if (pinned is not null)
            {
                pinned.Fill(inputs);
                names = pinned.Names;
                values = pinned.Values;
            }
            else
            {
                names = new string[inputs.Length];
                values = created = new OrtValue[inputs.Length];
                for (var i = 0; i < inputs.Length; i++)
                {
                    names[i] = inputs[i].Name;
                    values[i] = ToOrtValue(inputs[i]);
                }
            }

            var bound = System.Diagnostics.Stopwatch.GetTimestamp();
            var session = _sessions.Length == 1 ? _sessions[0] : _sessions[(int)((uint)Interlocked.Increment(ref _nextSession) % (uint)_sessions.Length)];
            using var results = session.Run(SharedRunOptions, names, values, outputNames);
            var ran = System.Diagnostics.Stopwatch.GetTimestamp();
            var outputs = new NamedTensor[outputNames.Length];
            var index = 0;
            foreach (var result in results)
            {
                outputs[index] = FromOrtValue(outputNames[index], result);
                index++;
            }

            if (Statistics is { } statistics)
            {
                var done = System.Diagnostics.Stopwatch.GetTimestamp();
                statistics.RecordExecution(
                    IsBatchable ? (int)Math.Min(int.MaxValue, inputs[0].Shape[0]) : 1,
                    System.Diagnostics.Stopwatch.GetElapsedTime(started, bound),
                    System.Diagnostics.Stopwatch.GetElapsedTime(bound, ran),
                    System.Diagnostics.Stopwatch.GetElapsedTime(ran, done));
            }

            return outputs;
        }
        catch (OnnxRuntimeException ex)
        {
            // Inputs were validated against the signature; what the runtime still refuses (e.g. inconsistent batch sizes
            // across inputs) is a property of the request, so it is reported to the caller rather than as a server fault.
            throw WardenException.BadRequest($"the model rejected the inputs: {ex.Message}");
        }
        finally
        {
            if (pinned is not null)
            {
                ReturnInputs(pinned);
            }

            foreach (var value in created ?? [])
            {
                value?.Dispose();
            }
        }
    }

    // A spare set of pinned inputs with the layout of these inputs, or a new one (null when the inputs cannot be kept pinned).
    // Sets are taken out of their slot, so no two runs share one.
    private PinnedInputs? RentInputs(NamedTensor[] inputs)
    {
        for (var i = 0; i < _spareInputs.Length; i++)
        {
            if (Volatile.Read(ref _spareInputs[i]) is { } spare && spare.Matches(inputs)
                && ReferenceEquals(Interlocked.CompareExchange(ref _spareInputs[i], null, spare), spare))
            {
                return spare;
            }
        }

        return PinnedInputs.TryCreate(inputs);
    }

    // Back into a free slot; with every slot taken (requests of another layout hold them) the set is released.
    private void ReturnInputs(PinnedInputs inputs)
    {
        if (Volatile.Read(ref _references) > 0)
        {
            for (var i = 0; i < _spareInputs.Length; i++)
            {
                if (Interlocked.CompareExchange(ref _spareInputs[i], inputs, null) is null)
                {
                    return;
                }
            }
        }

        inputs.Dispose();
    }

    // Switch on the declared datatype, not the array's runtime type: the CLR lets byte[] pass as sbyte[] (and ushort[] as
    // short[] …), so a type pattern would hand an unsigned tensor to the runtime as signed.
    private static OrtValue ToOrtValue(NamedTensor tensor) => tensor.Datatype switch
    {
        TensorDatatype.Fp32 => OrtValue.CreateTensorValueFromMemory((float[])tensor.Data, tensor.Shape),
        TensorDatatype.Fp64 => OrtValue.CreateTensorValueFromMemory((double[])tensor.Data, tensor.Shape),
        TensorDatatype.Int64 => OrtValue.CreateTensorValueFromMemory((long[])tensor.Data, tensor.Shape),
        TensorDatatype.Int32 => OrtValue.CreateTensorValueFromMemory((int[])tensor.Data, tensor.Shape),
        TensorDatatype.Int16 => OrtValue.CreateTensorValueFromMemory((short[])tensor.Data, tensor.Shape),
        TensorDatatype.Int8 => OrtValue.CreateTensorValueFromMemory((sbyte[])tensor.Data, tensor.Shape),
        TensorDatatype.UInt8 => OrtValue.CreateTensorValueFromMemory((byte[])tensor.Data, tensor.Shape),
        TensorDatatype.UInt16 => OrtValue.CreateTensorValueFromMemory((ushort[])tensor.Data, tensor.Shape),
        TensorDatatype.UInt32 => OrtValue.CreateTensorValueFromMemory((uint[])tensor.Data, tensor.Shape),
        TensorDatatype.UInt64 => OrtValue.CreateTensorValueFromMemory((ulong[])tensor.Data, tensor.Shape),
        TensorDatatype.Bool => OrtValue.CreateTensorValueFromMemory((bool[])tensor.Data, tensor.Shape),
        TensorDatatype.Fp16 => OrtValue.CreateTensorValueFromMemory(((Half[])tensor.Data).Select(h => new Float16(BitConverter.HalfToUInt16Bits(h))).ToArray(), tensor.Shape),
        TensorDatatype.Bytes => CreateStringTensor((string[])tensor.Data, tensor.Shape),
        _ => throw new InvalidOperationException($"unsupported datatype {tensor.Datatype}"),
    };

    private static OrtValue CreateStringTensor(string[] data, long[] shape)
    {
        var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
        for (var i = 0; i < data.Length; i++)
        {
            value.StringTensorSetElementAt(data[i].AsSpan(), i);
        }

        return value;
    }

    private static NamedTensor FromOrtValue(string name, OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        var datatype = TensorDatatypes.FromOnnx(info.ElementDataType)
            ?? throw new InvalidOperationException($"output '{name}' has element type {info.ElementDataType}");
        Array data = info.ElementDataType switch
        {
            TensorElementType.Float => value.GetTensorDataAsSpan<float>().ToArray(),
            TensorElementType.Double => value.GetTensorDataAsSpan<double>().ToArray(),
            TensorElementType.Int64 => value.GetTensorDataAsSpan<long>().ToArray(),
            TensorElementType.Int32 => value.GetTensorDataAsSpan<int>().ToArray(),
            TensorElementType.Int16 => value.GetTensorDataAsSpan<short>().ToArray(),
            TensorElementType.Int8 => value.GetTensorDataAsSpan<sbyte>().ToArray(),
            TensorElementType.UInt8 => value.GetTensorDataAsSpan<byte>().ToArray(),
            TensorElementType.UInt16 => value.GetTensorDataAsSpan<ushort>().ToArray(),
            TensorElementType.UInt32 => value.GetTensorDataAsSpan<uint>().ToArray(),
            TensorElementType.UInt64 => value.GetTensorDataAsSpan<ulong>().ToArray(),
            TensorElementType.Bool => value.GetTensorDataAsSpan<bool>().ToArray(),
            TensorElementType.Float16 => value.GetTensorDataAsSpan<Float16>().ToArray().Select(f => BitConverter.UInt16BitsToHalf(f.value)).ToArray(),
            TensorElementType.String => value.GetStringTensorAsArray(),
            _ => throw new InvalidOperationException($"output '{name}' has element type {info.ElementDataType}"),
        };
        return new NamedTensor(name, datatype, info.Shape, data);
    }
}

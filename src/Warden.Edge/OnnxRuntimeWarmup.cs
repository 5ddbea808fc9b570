using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Warden.Core.Onnx.Proto;

namespace Warden.Edge;

/// <summary>
/// Pays ONNX Runtime's one-time costs on a thread-pool thread while the agent does its own start-up (options, keys,
/// local store, web host): loading the native library, creating the process-wide environment (its operator schemas) and
/// a first session (the CPU kernel registry), by creating and discarding a session for a one-node model. Measured with
/// ONNX Runtime 1.31 on the build machine, those cost about 60 ms of CPU once per process, while a session for the
/// credit-risk model after them costs 1–2 ms. Nothing is reported ready earlier because of it: the bundles' own sessions
/// are still created before the agent answers ready.
/// </summary>
public static class OnnxRuntimeWarmup
{
    private const int NotStarted = 0, Started = 1, Reserved = 2;
    private static int _state;

    /// <summary>
    /// Starts the warm-up on a thread-pool thread once per process; does nothing once it has started or has been
    /// reserved by <see cref="Reserve"/>.
    /// </summary>
    public static void Start()
    {
        if (Interlocked.CompareExchange(ref _state, Started, NotStarted) == NotStarted)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static _ => WarmUp(), null);
        }
    }

    /// <summary>
    /// Reserves the warm-up for a later <see cref="RunOnCurrentThread"/>: <see cref="Start"/> calls made in between (the
    /// agent's, on the threads it starts on) do nothing. The native agent reserves it before it starts the agent on
    /// another thread, so the warm-up runs on its main thread even when the agent gets there first.
    /// </summary>
    public static void Reserve() => Interlocked.CompareExchange(ref _state, Reserved, NotStarted);

    /// <summary>
    /// Runs the warm-up on the calling thread unless it has started already (once per process). The native agent calls
    /// it on its main thread while the agent starts on another: ONNX Runtime's start-up allocates tens of MB in many
    /// small blocks, and the main thread's heap is the one the native agent prepares before the runtime starts (grown
    /// 64 MB at a time, with transparent huge pages: <c>src/Warden.Edge.Host/Native/malloc_heap.c</c>); on another
    /// thread the same start-up takes about twice as long.
    /// </summary>
    public static void RunOnCurrentThread()
    {
        if (Interlocked.Exchange(ref _state, Started) != Started)
        {
            WarmUp();
        }
    }

    private static void WarmUp()
    {
        try
        {
            using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, IntraOpNumThreads = 1, InterOpNumThreads = 1 };
            using var session = new InferenceSession(IdentityModel(), options);
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or BadImageFormatException)
        {
            // The bundles' own session creation meets the same failure and reports it where it matters.
        }
    }

    /// <summary>A model with one float input passed through an Identity node.</summary>
    internal static byte[] IdentityModel()
    {
        static ValueInfoProto Tensor(string name) => new()
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dimension { DimValue = 1 } } } } },
        };

        var model = new ModelProto
        {
            IrVersion = 8,
            OpsetImport = { new OperatorSetIdProto { Domain = "", Version = 13 } },
            Graph = new GraphProto
            {
                Name = "warmup",
                Node = { new NodeProto { OpType = "Identity", Input = { "x" }, Output = { "y" } } },
                Input = { Tensor("x") },
                Output = { Tensor("y") },
            },
        };
        return model.ToByteArray();
    }
}

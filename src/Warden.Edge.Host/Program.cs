namespace Warden.Edge.Host;

/// <summary>Entry point of the native <c>warden-edge</c> executable.</summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        // ONNX Runtime (1.31) records usage telemetry by default: on Linux a SQLite file and a device id under
        // ~/.cache/Microsoft/DeveloperTools, set up while its environment is created. A device agent should not, and it
        // costs start-up time; ORT_DISABLE_TELEMETRY=0 in the agent's environment turns it back on.
        NativeEnvironment.SetDefault("ORT_DISABLE_TELEMETRY", "1");

        // Microsoft.Data.Sqlite finds its SQLite provider by reflection, which Native AOT does not keep; name it directly.
        SQLitePCL.Batteries_V2.Init();

        // The agent starts on a thread-pool thread while this thread pays ONNX Runtime's one-time costs (library, environment,
        // kernel registry): the two are the start-up's two long paths and run side by side on two cores. Ready still means
        // every bundle verified and its session created (the agent waits for that, not for this warm-up).
        // Reserved first: the agent asks for the warm-up itself (on a pool thread) and may get there before this thread does.
        OnnxRuntimeWarmup.Reserve();
        var run = Task.Run(() => EdgeHostCommand.RunAsync(args, Console.Out, Console.Error));
        OnnxRuntimeWarmup.RunOnCurrentThread();
        return run.GetAwaiter().GetResult();
    }
}

namespace Warden.Edge.Host;

/// <summary>Entry point of the native <c>warden-edge</c> executable.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        // ONNX Runtime (1.31) records usage telemetry by default: on Linux a SQLite file and a device id under
        // ~/.cache/Microsoft/DeveloperTools, set up while its environment is created. A device agent should not, and it
        // costs start-up time; ORT_DISABLE_TELEMETRY=0 in the agent's environment turns it back on.
        NativeEnvironment.SetDefault("ORT_DISABLE_TELEMETRY", "1");
        OnnxRuntimeWarmup.Start();

        // Microsoft.Data.Sqlite finds its SQLite provider by reflection, which Native AOT does not keep; name it directly.
        SQLitePCL.Batteries_V2.Init();
        return EdgeHostCommand.RunAsync(args, Console.Out, Console.Error);
    }
}

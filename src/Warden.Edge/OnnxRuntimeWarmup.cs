using Microsoft.ML.OnnxRuntime;

namespace Warden.Edge;

/// <summary>
/// Loads ONNX Runtime's native library and creates its process-wide environment on a thread-pool thread, so the library's
/// loading and relocation and the environment's set-up (tens of milliseconds on a small device) overlap with the agent's
/// own start (options, keys, local store, web host) instead of delaying the first session. Nothing is reported ready
/// earlier because of it: the sessions are still created before the agent answers ready.
/// </summary>
public static class OnnxRuntimeWarmup
{
    private static int _started;

    /// <summary>Starts the warm-up once per process; later calls do nothing.</summary>
    public static void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            return;
        }

        ThreadPool.UnsafeQueueUserWorkItem(static _ =>
        {
            try
            {
                _ = OrtEnv.Instance();
            }
            catch (Exception ex) when (ex is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or BadImageFormatException)
            {
                // The first session creation meets the same failure and reports it where it matters.
            }
        }, null);
    }
}

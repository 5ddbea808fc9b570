using System.Runtime.InteropServices;
using System.Text;

namespace Warden.Edge.Host;

/// <summary>
/// The process's native environment, the one native libraries read with <c>getenv</c> (.NET's
/// <see cref="Environment.SetEnvironmentVariable(string, string)"/> changes only its own copy on Unix).
/// </summary>
internal static unsafe class NativeEnvironment
{
    /// <summary>
    /// Sets <paramref name="name"/> to <paramref name="value"/> unless the environment already has it, so an operator's
    /// own setting wins. Call it first thing in <c>Main</c>, before other threads read the environment. False when the C
    /// library's <c>setenv</c> could not be found or failed.
    /// </summary>
    public static bool SetDefault(string name, string value)
    {
        if (!NativeLibrary.TryGetExport(NativeLibrary.GetMainProgramHandle(), "setenv", out var export))
        {
            return false;
        }

        var setenv = (delegate* unmanaged<byte*, byte*, int, int>)export;
        fixed (byte* n = Encoding.UTF8.GetBytes(name + "\0"))
        fixed (byte* v = Encoding.UTF8.GetBytes(value + "\0"))
        {
            return setenv(n, v, 0) == 0;
        }
    }
}

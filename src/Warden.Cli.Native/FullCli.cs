using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Warden.Cli.Native;

/// <summary>
/// Replaces this process with the full, managed CLI (<c>dotnet warden.dll ARGS</c>) through <c>execv</c>: the same process
/// id, arguments and environment, so <c>warden serve</c> behind the native executable is still the process that gets
/// signals (PID 1 in a container, <c>kill</c>, a service manager) and whose exit code the caller sees.
/// </summary>
internal static partial class FullCli
{
    /// <summary>Overrides where the full CLI is: a <c>warden.dll</c> (run with <c>dotnet</c>) or an executable.</summary>
    public const string Variable = "WARDEN_FULL_CLI";

    /// <summary>Execs the full CLI with <paramref name="args"/>; returns only if that fails, with the exit code to use.</summary>
    public static int Exec(string[] args)
    {
        var configured = Environment.GetEnvironmentVariable(Variable);
        var target = string.IsNullOrEmpty(configured) ? Path.Combine(AppContext.BaseDirectory, "warden.dll") : Path.GetFullPath(configured);
        // A managed build of this project (dotnet build/run; the native publish has no dynamic code) has its own warden.dll
        // in its output directory: that is not the full CLI.
        if (!File.Exists(target) || (string.IsNullOrEmpty(configured) && RuntimeFeature.IsDynamicCodeSupported))
        {
            Console.Error.WriteLine($"error: this warden runs only the client commands ({string.Join(", ", ClientCommands.All.Select(c => c.Name))}); " +
                $"the full CLI is not at {target} (set {Variable} to its warden.dll, or run `dotnet run --project src/Warden.Cli --`)");
            return 1;
        }

        string[] argv;
        if (target.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            argv = [Dotnet(), target, .. args];
        }
        else
        {
            argv = [target, .. args];
        }

        var pointers = new nint[argv.Length + 1];
        for (var i = 0; i < argv.Length; i++)
        {
            pointers[i] = Marshal.StringToCoTaskMemUTF8(argv[i]);
        }

        Execv(argv[0], pointers);
        var error = Marshal.GetLastPInvokeErrorMessage();
        Console.Error.WriteLine($"error: cannot run the full CLI ({string.Join(' ', argv[..2])}): {error}");
        return 127;
    }

    // The dotnet host the apphost would find: $DOTNET_ROOT, then PATH, then the usual install locations.
    private static string Dotnet()
    {
        var directories = new List<string>();
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root)
        {
            directories.Add(root);
        }

        directories.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries));
        directories.AddRange(["/usr/share/dotnet", "/usr/lib/dotnet", "/usr/local/share/dotnet"]);
        return directories.Select(d => Path.Combine(d, "dotnet")).FirstOrDefault(File.Exists) ?? "dotnet";
    }

    [LibraryImport("libc", EntryPoint = "execv", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Execv(string path, nint[] argv);
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Warden.Server.Tests.Infrastructure;

/// <summary>The real <c>warden serve</c> executable in a child process, with its console output captured.</summary>
public sealed class WardenProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private WardenProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Everything printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <c>warden serve</c> with <paramref name="arguments"/>; no admin key comes from the environment.</summary>
    public static WardenProcess Serve(params string[] arguments) => Serve(new Dictionary<string, string>(), arguments);

    /// <summary>Starts <c>warden serve</c> with extra environment variables.</summary>
    public static WardenProcess Serve(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "warden.dll"));
        info.ArgumentList.Add("serve");
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Remove("WARDEN_ADMIN_KEY");
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        return new WardenProcess(Process.Start(info)!);
    }

    /// <summary>A loopback port nothing listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits (up to a minute) for the output to match <paramref name="pattern"/>.</summary>
    public async Task<string> WaitForOutputAsync(Regex pattern)
    {
        for (var i = 0; i < 600; i++)
        {
            var match = pattern.Match(Output);
            if (match.Success)
            {
                return match.Value;
            }

            if (_process.HasExited)
            {
                break;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"warden serve printed nothing matching {pattern}:\n{Output}");
    }

    /// <summary>Waits (up to a minute) for <c>/v2/health/ready</c> to answer 200.</summary>
    public async Task WaitReadyAsync(HttpClient client)
    {
        for (var i = 0; i < 600 && !_process.HasExited; i++)
        {
            try
            {
                if ((await client.GetAsync("/v2/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("warden serve never became ready:\n" + Output);
    }

    /// <summary>Waits for the process to end by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        _process.WaitForExit(); // flushes the redirected output
        return _process.ExitCode;
    }

    /// <summary>Kills the process tree.</summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}

using Warden.Edge.Host;

namespace Warden.Server.Tests.Edge;

/// <summary>The native agent's run loop, as <c>warden-edge</c> runs it: started from its command line, stopped by its caller.</summary>
public sealed class EdgeHostRunTests
{
    [Fact]
    public async Task A_running_agent_stops_and_exits_0_when_its_run_is_cancelled_after_the_ready_line()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bed = new EdgeTestBed();
        var server = await bed.StartServerAsync();
        await bed.PackAndUploadAsync("credit-risk:1");
        var deviceKey = Path.Combine(bed.Root, "run-device.pem");
        await File.WriteAllTextAsync(deviceKey, bed.Device.ExportPkcs8PrivateKeyPem(), ct);
        string[] args =
        [
            "--server", server.ToString(), "--key", EdgeTestBed.AdminKey, "--device-key", deviceKey,
            "--trust", Path.Combine(bed.Root, "signer.pub.pem"), "--data-dir", Path.Combine(bed.Root, "run-device"),
            "--device-id", "run-device", "--listen", "http://127.0.0.1:0",
        ];

        // The agent prints from its own threads while this one reads: synchronised writers (which lock themselves), read
        // under the same lock.
        using var outputText = new StringWriter();
        using var errorText = new StringWriter();
        var output = TextWriter.Synchronized(outputText);
        var error = TextWriter.Synchronized(errorText);
        string Read(TextWriter writer, StringWriter text)
        {
            lock (writer)
            {
                return text.ToString();
            }
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = Task.Run(() => EdgeHostCommand.RunAsync(args, output, error, stop.Token), ct);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!Read(output, outputText).Contains("serving on", StringComparison.Ordinal))
        {
            Assert.False(run.IsCompleted, "the agent ended before its ready line: " + Read(error, errorText));
            Assert.True(DateTime.UtcNow < deadline, "no ready line; output: " + Read(output, outputText) + " error: " + Read(error, errorText));
            await Task.Delay(20, ct);
        }

        await stop.CancelAsync();

        // Generous: this bounds a hang (the run used to wait forever when stopped in the wrong window), it times nothing.
        var code = await run.WaitAsync(TimeSpan.FromMinutes(2), ct);
        Assert.Equal(0, code);
        Assert.Equal(string.Empty, Read(error, errorText));
    }
}

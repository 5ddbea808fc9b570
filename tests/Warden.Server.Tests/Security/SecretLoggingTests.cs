using System.Collections.Concurrent;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Warden.Contracts.Admin;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Security;

public sealed class SecretLoggingTests
{
    [Fact]
    public async Task Api_key_secrets_never_appear_in_log_output()
    {
        var sink = new CapturingLoggerProvider();
        using var factory = new WardenFactory { ExtraServices = s => s.AddSingleton<ILoggerProvider>(sink) };
        factory.Settings["Logging:LogLevel:Default"] = "Trace";
        var created = await (await factory.Admin().PostAsJsonAsync("/api/keys", new { name = "c", role = "consumer", models = new[] { "credit-risk" } }))
            .Content.ReadFromJsonAsync<CreatedKey>();
        var client = factory.Authorized(created!.Secret);
        await client.InferAsync(V2Requests.CreditRisk());
        await client.GetAsync("/api/keys");
        await factory.Authorized(created.Secret + "x").GetAsync("/v2");
        await factory.Admin().DeleteAsync($"/api/keys/{created.Info.Id}");
        await client.GetAsync("/v2");

        Assert.True(sink.Lines.Count > 10, "the capture saw too little to mean anything");
        Assert.DoesNotContain(sink.Lines, l => l.Contains(created.Secret[4..], StringComparison.Ordinal));
        Assert.DoesNotContain(sink.Lines, l => l.Contains(WardenFactory.AdminKey[4..], StringComparison.Ordinal));
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull
            {
                lines.Enqueue(category + " scope " + state);
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var structured = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
                lines.Enqueue($"{category} {logLevel} {formatter(state, exception)} {structured} {exception}");
            }
        }
    }
}

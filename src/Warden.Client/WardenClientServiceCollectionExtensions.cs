using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace Warden.Client;

/// <summary>Registers <see cref="WardenClient"/> on <c>IHttpClientFactory</c>.</summary>
public static class WardenClientServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> the client uses (configure it further through the returned builder).</summary>
    public const string HttpClientName = "Warden.Client";

    /// <summary>
    /// Registers a transient <see cref="WardenClient"/> over a named <see cref="HttpClient"/> from <c>IHttpClientFactory</c>:
    /// base address and API key from <paramref name="configure"/> (the key goes on each request through a handler), and
    /// Microsoft.Extensions.Http.Resilience's standard pipeline — a timeout per attempt, retries of reads on transient
    /// errors (never of requests that change state), a circuit breaker and an overall timeout.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets <see cref="WardenClientOptions.BaseAddress"/>, the API key and the limits.</param>
    /// <returns>The HTTP client builder, to add handlers or change the resilience settings.</returns>
    public static IHttpClientBuilder AddWardenClient(this IServiceCollection services, Action<WardenClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<WardenClientOptions>(HttpClientName).Configure(configure)
            .Validate(o => o.BaseAddress is { IsAbsoluteUri: true }, "WardenClientOptions.BaseAddress must be an absolute URL")
            .Validate(o => o.AttemptTimeout >= TimeSpan.FromSeconds(1) && o.AttemptTimeout <= TimeSpan.FromHours(1), "WardenClientOptions.AttemptTimeout must be between 1 second and 1 hour")
            .Validate(o => o.MaxRetries is >= 0 and <= 10, "WardenClientOptions.MaxRetries must be between 0 and 10")
            .ValidateOnStart();
        services.AddTransient(sp => new WardenClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName)));

        var builder = services.AddHttpClient(HttpClientName, (sp, http) =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<WardenClientOptions>>().Get(HttpClientName);
            var address = options.BaseAddress ?? throw new InvalidOperationException("WardenClientOptions.BaseAddress is not set");
            // Relative request paths resolve under the base address only when it ends with '/'.
            http.BaseAddress = address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
            // The resilience pipeline times attempts and the whole call; HttpClient's own 100 s limit would cut it short.
            http.Timeout = Timeout.InfiniteTimeSpan;
        });
        builder.AddHttpMessageHandler(sp => new WardenAuthenticationHandler(sp.GetRequiredService<IOptionsMonitor<WardenClientOptions>>(), HttpClientName));
        builder.AddStandardResilienceHandler()
            .Configure((HttpStandardResilienceOptions resilience, IServiceProvider sp) =>
            {
                var options = sp.GetRequiredService<IOptionsMonitor<WardenClientOptions>>().Get(HttpClientName);
                resilience.AttemptTimeout.Timeout = options.AttemptTimeout;
                resilience.Retry.MaxRetryAttempts = Math.Max(options.MaxRetries, 1);
                resilience.Retry.ShouldHandle = options.MaxRetries == 0 ? _ => ValueTask.FromResult(false) : resilience.Retry.ShouldHandle;
                // Inference, deploy and feedback are not idempotent (a repeat logs a second prediction): only reads are retried.
#pragma warning disable EXTEXP0001 // Marked experimental in some releases; its behaviour is what the docs above promise.
                resilience.Retry.DisableForUnsafeHttpMethods();
#pragma warning restore EXTEXP0001
                resilience.TotalRequestTimeout.Timeout = options.AttemptTimeout * (resilience.Retry.MaxRetryAttempts + 1) + TimeSpan.FromSeconds(30);
                // The breaker samples over at least two attempts' worth of time (the pipeline's validation requires it).
                resilience.CircuitBreaker.SamplingDuration = options.AttemptTimeout * 2 + TimeSpan.FromSeconds(1);
            });
        return builder;
    }
}

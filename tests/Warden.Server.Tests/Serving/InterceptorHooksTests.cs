using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core;
using Warden.Core.Inference;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Serving;

// The inference service calls, untraced, only the hooks an interceptor overrides; these pin that every overridden hook still
// runs once, in order, that a refusal still names its interceptor, and that traces keep a span per interceptor and phase.
public sealed class InterceptorHooksTests
{
    [Fact]
    public async Task Every_overridden_hook_runs_once_per_inference_in_interceptor_order()
    {
        var calls = new ConcurrentQueue<string>();
        using var factory = new WardenFactory
        {
            ExtraServices = s =>
            {
                s.AddSingleton<InferenceInterceptor>(new EveryHookInterceptor(calls));
                s.AddSingleton<InferenceInterceptor>(new InputsOnlyInterceptor(calls));
            },
        };

        var response = await factory.Admin().InferAsync(V2Requests.CreditRisk());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["every request", "inputs_only inputs", "every inputs", "every outputs", "every completed"], calls);
    }

    [Fact]
    public async Task A_refusal_from_an_outputs_only_interceptor_is_answered_and_counted_under_its_name()
    {
        using var factory = new WardenFactory { ExtraServices = s => s.AddSingleton<InferenceInterceptor>(new RefuseOutputsInterceptor()) };
        var admin = factory.Admin();

        var response = await admin.InferAsync(V2Requests.CreditRisk());

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("refused after the run", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var metrics = await admin.GetStringAsync("/metrics");
        Assert.Contains(metrics.Split('\n'), line => line.StartsWith("warden_inference_refusals_total{", StringComparison.Ordinal)
            && line.Contains("warden_refusal_reason=\"refuse_outputs\"", StringComparison.Ordinal)
            && line.Contains("http_response_status_code=\"409\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Traced_inferences_keep_a_span_for_every_interceptor_in_every_phase()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Warden",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var calls = new ConcurrentQueue<string>();
        using var factory = new WardenFactory { ExtraServices = s => s.AddSingleton<InferenceInterceptor>(new InputsOnlyInterceptor(calls)) };
        var id = "hooks-" + Guid.NewGuid().ToString("N");

        Assert.Equal(HttpStatusCode.OK, (await factory.Admin().InferAsync(V2Requests.CreditRisk(id: id))).StatusCode);

        var inference = Assert.Single(spans, s => s.OperationName == "warden.inference" && (string?)s.GetTagItem("warden.request.id") == id);
        var names = spans.Where(s => s.TraceId == inference.TraceId).Select(s => s.OperationName).ToList();
        foreach (var phase in new[] { "request", "inputs", "outputs", "completed" })
        {
            Assert.Contains($"warden.interceptor inputs_only {phase}", names);
        }

        Assert.Equal(["inputs_only inputs"], calls);
    }

    private sealed class EveryHookInterceptor(ConcurrentQueue<string> calls) : InferenceInterceptor
    {
        public override string Name => "every";

        public override int Order => 10_000;

        public override void OnRequest(InferenceContext context) => calls.Enqueue("every request");

        public override void OnInputs(InferenceContext context) => calls.Enqueue("every inputs");

        public override void OnOutputs(InferenceContext context) => calls.Enqueue("every outputs");

        public override void OnCompleted(InferenceContext context) => calls.Enqueue("every completed");
    }

    private sealed class InputsOnlyInterceptor(ConcurrentQueue<string> calls) : InferenceInterceptor
    {
        public override int Order => 9_000;

        public override void OnInputs(InferenceContext context) => calls.Enqueue("inputs_only inputs");
    }

    private sealed class RefuseOutputsInterceptor : InferenceInterceptor
    {
        public override void OnOutputs(InferenceContext context) => throw new WardenException(409, "refused after the run");
    }
}

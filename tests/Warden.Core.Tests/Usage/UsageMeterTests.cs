using Microsoft.Extensions.Time.Testing;
using Warden.Core.Inference;
using Warden.Core.Pipelines;
using Warden.Core.Registry;
using Warden.Core.Storage;
using Warden.Core.Usage;

namespace Warden.Core.Tests.Usage;

public sealed class UsageMeterTests
{
    [Fact]
    public async Task Counts_a_failed_flush_could_not_store_are_written_by_the_next_one()
    {
        var store = new FlakyUsageStore { FailuresLeft = 1 };
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T10:15:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var meter = new UsageMeter(store, time, new NamesAsTheyAre());
        meter.Request("key_a", "credit-risk", "lending");
        meter.Request("key_a", "credit-risk", "lending");
        meter.Error("key_a", "credit-risk", "lending");

        await Assert.ThrowsAsync<InvalidOperationException>(() => meter.FlushAsync(TestContext.Current.CancellationToken));
        meter.Request("key_a", "credit-risk", "lending");
        meter.Violation("key_b", "credit-risk", null);
        await meter.FlushAsync(TestContext.Current.CancellationToken);

        var hour = DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(
            [new UsageCount(hour, "key_a", "credit-risk", "lending", 3, 1, 0), new UsageCount(hour, "key_b", "credit-risk", "", 0, 0, 1)],
            store.Rows.OrderBy(r => r.KeyId, StringComparer.Ordinal));
    }

    private sealed class FlakyUsageStore : IUsageStore
    {
        public int FailuresLeft { get; set; }

        public List<UsageCount> Rows { get; } = [];

        public Task AddAsync(IReadOnlyList<UsageCount> counts, CancellationToken cancellationToken = default)
        {
            if (FailuresLeft-- > 0)
            {
                throw new InvalidOperationException("database unreachable");
            }

            Rows.AddRange(counts);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<UsageCount>> QueryAsync(string? keyId, string? model, DateTimeOffset since, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<UsageCount>>(Rows);

        public Task AddRefusalsAsync(IReadOnlyList<RefusalCount> counts, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<IReadOnlyList<RefusalCount>> QueryRefusalsAsync(string? keyId, string? model, DateTimeOffset since, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<RefusalCount>>([]);
    }

    private sealed class NamesAsTheyAre : IModelCatalog
    {
        public ModelLease Acquire(string model, string? version) => throw new NotSupportedException("not used by the meter");

        public PipelineDeployment? FindPipeline(string model, string? version) => null;

        public ModelVersionRecord? FindRecord(string model, string? version) => null;

        public string Label(string model) => model;
    }
}

using Warden.Core.Retraining;
using Warden.Training.Retraining;

namespace Warden.Server.Tests.Retraining;

/// <summary>The real credit-risk retrainer, held at the start of its training phase until the job's token is cancelled (or 30 s pass).</summary>
public sealed class GatedRetrainer : ModelRetrainer
{
    private readonly CreditRiskRetrainer _inner = new();

    public TaskCompletionSource Training { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override string? Unsupported(string model, IReadOnlyList<string> inputNames) => _inner.Unsupported(model, inputNames);

    public override Task<RetrainOutput> TrainAsync(RetrainInput input, IProgress<RetrainProgress> progress, CancellationToken cancellationToken) =>
        _inner.TrainAsync(input, new Gate(this, progress, cancellationToken), cancellationToken);

    private sealed class Gate(GatedRetrainer owner, IProgress<RetrainProgress> inner, CancellationToken token) : IProgress<RetrainProgress>
    {
        public void Report(RetrainProgress value)
        {
            inner.Report(value);
            if (value.Phase == "training")
            {
                owner.Training.TrySetResult();
                token.WaitHandle.WaitOne(TimeSpan.FromSeconds(30));
            }
        }
    }
}

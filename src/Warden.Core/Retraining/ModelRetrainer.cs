namespace Warden.Core.Retraining;

/// <summary>
/// Trains a new version of a model from its training data plus labelled feedback. Implementations must honour the
/// cancellation token between training steps and report progress; the host registers one per deployment.
/// </summary>
public abstract class ModelRetrainer
{
    /// <summary>Why this retrainer cannot train a model with these inputs, or null when it can.</summary>
    public abstract string? Unsupported(string model, IReadOnlyList<string> inputNames);

    /// <summary>As <see cref="Unsupported(string, IReadOnlyList{string})"/>, knowing the base version's card (its recorded training settings).</summary>
    public virtual string? Unsupported(string model, IReadOnlyList<string> inputNames, Warden.Contracts.Registry.ModelCard? card) => Unsupported(model, inputNames);

    /// <summary>Trains and exports the new model.</summary>
    /// <param name="input">Training data and settings.</param>
    /// <param name="progress">Progress sink (fraction 0–1 and phase).</param>
    /// <param name="cancellationToken">Cancellation; throws <see cref="OperationCanceledException"/> when requested.</param>
    public abstract Task<RetrainOutput> TrainAsync(RetrainInput input, IProgress<RetrainProgress> progress, CancellationToken cancellationToken);
}

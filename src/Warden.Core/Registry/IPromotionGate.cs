namespace Warden.Core.Registry;

/// <summary>
/// A check a version must pass before it becomes the production version (fairness audit, challenger versus champion).
/// Gates are opt-in per model: a gate with nothing configured for the model passes.
/// </summary>
public interface IPromotionGate
{
    /// <summary>Short name shown when the gate refuses (e.g. <c>fairness</c>).</summary>
    string Name { get; }

    /// <summary>Judges promoting <paramref name="candidate"/> to production over <paramref name="champion"/> (null when none).</summary>
    Task<PromotionCheck> CheckAsync(ModelVersionRecord candidate, ModelVersionRecord? champion, CancellationToken cancellationToken = default);
}

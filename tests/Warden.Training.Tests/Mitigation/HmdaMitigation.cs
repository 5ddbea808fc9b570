using Warden.Core.Fairness;
using Warden.Training.Mitigation;

namespace Warden.Training.Tests.Mitigation;

/// <summary>HMDA rows loaded once per test class.</summary>
public sealed class HmdaMitigation
{
    internal IReadOnlyList<HmdaApplication> Rows { get; } = HmdaDataset.Load(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv"));

    internal MitigationReport CrossValidated(MitigationMethod method, FairnessConstraint constraint, AdversarialOptions? adversarial = null) =>
        MitigationTrainer.Run(Rows, method, constraint, 42, adversarialOptions: adversarial, crossValidationFolds: 5).Report;
}

using Warden.Core.Fairness;
using Warden.Tests;

namespace Warden.Core.Tests.Fairness;

/// <summary>The sample datasets as prepared by tests/fixtures/fairness/compute_fairness.py.</summary>
internal static class SampleData
{
    internal static FairnessCsvOptions HmdaOptions(bool weighted) => new()
    {
        Label = "deny",
        Prediction = "pred_deny",
        Sensitive = ["afam", "single"],
        PositiveLabel = "no",
        Weight = weighted ? "w" : null,
    };

    internal static readonly FairnessCsvOptions ArrestsOptions = new()
    {
        Label = "released",
        Score = "score",
        Threshold = 0.8,
        Sensitive = ["colour", "sex"],
        PositiveLabel = "Yes",
    };

    internal static FairnessDataset Hmda(bool weighted = false) =>
        FairnessCsvReader.Read(RepoFiles.Path("tests/fixtures/fairness/hmda_predicted.csv"), HmdaOptions(weighted));

    internal static FairnessDataset Arrests() =>
        FairnessCsvReader.Read(RepoFiles.Path("tests/fixtures/fairness/arrests_scored.csv"), ArrestsOptions);
}

using Warden.Contracts.Context;

namespace Warden.Core.Explanations;

/// <summary>Maps explanations to the wire type shared by the explain endpoint and review items.</summary>
public static class ExplanationContract
{
    /// <summary>The wire form of <paramref name="result"/>.</summary>
    public static ExplanationResponse ToResponse(ModelExplanation result)
    {
        var e = result.Explanation;
        return new ExplanationResponse
        {
            Model = result.Model,
            Version = result.Version,
            Output = result.ScoreOutput,
            Method = e.Method == ShapleyMethod.Exact ? "exact" : "permutation_sampling",
            Parameters = new Dictionary<string, long>
            {
                ["features"] = e.FeatureCount,
                ["background_rows"] = e.BackgroundRows,
                ["permutations"] = e.Permutations,
                ["model_evaluations"] = e.ModelEvaluations,
            },
            Seed = e.Seed,
            BaseValue = e.BaseValue,
            Value = e.Output,
            Attributions = e.Attributions.Select(a => new AttributionInfo { Feature = a.Feature, Value = a.Value, Category = a.Category, Phi = a.Phi, StandardError = a.StandardError }).ToList(),
            Additivity = new AdditivityInfo
            {
                Reconstructed = e.Additivity.Reconstructed,
                AbsoluteError = e.Additivity.AbsoluteError,
                Tolerance = e.Additivity.Tolerance,
                Passed = e.Additivity.Passed,
            },
        };
    }
}

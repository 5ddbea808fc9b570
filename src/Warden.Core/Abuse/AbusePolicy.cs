namespace Warden.Core.Abuse;

/// <summary>
/// The <c>abuse-policy</c> settings document of a model. Its presence (with <see cref="Enabled"/>) turns model-extraction
/// detection on for the model: every answered request's numeric inputs are fed, off the request path, to a per key × model
/// <see cref="ExtractionDetector"/> (PRADA, Juuti et al. 2019). The optional <see cref="Volume"/> and <see cref="Sweep"/>
/// sections add volume-anomaly and one-feature-sweep detection on the same rows.
/// </summary>
public sealed class AbusePolicy
{
    /// <summary>Settings kind name.</summary>
    public const string Kind = "abuse-policy";

    /// <summary>Detection runs only when true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Input tensors to use, in this order; null or empty means every numeric input in signature order.</summary>
    public List<string>? Features { get; set; }

    /// <summary>
    /// Per-feature lower bounds (raw units, one per used feature). With <see cref="Upper"/> they clip values and their
    /// difference is the scale. Without them each model's running minimum and maximum of observed values is used.
    /// </summary>
    public List<double>? Lower { get; set; }

    /// <summary>Per-feature upper bounds, see <see cref="Lower"/>.</summary>
    public List<double>? Upper { get; set; }

    /// <summary>δ of <see cref="ExtractionDetectorOptions.Delta"/>.</summary>
    public double Delta { get; set; } = 0.80;

    /// <summary>See <see cref="ExtractionDetectorOptions.MinimumDistances"/>.</summary>
    public int MinimumDistances { get; set; } = 50;

    /// <summary>See <see cref="ExtractionDetectorOptions.OutlierSigma"/>.</summary>
    public double OutlierSigma { get; set; } = 3.0;

    /// <summary>See <see cref="ExtractionDetectorOptions.TestEvery"/>.</summary>
    public int TestEvery { get; set; } = 1;

    /// <summary>
    /// Also test each key's queries against the reference profile of the model's production version
    /// (<c>PUT …/versions/{v}/reference</c>): a one-sided binomial test of the share of atypical queries (a discrete
    /// feature off the reference's values, or farther from every reference row than 99 % of them lie from their nearest
    /// neighbour). Needs <see cref="Features"/> named as the profile's columns. Without <see cref="Lower"/>/<see cref="Upper"/>
    /// the reference's 1st and 99th percentiles are the bounds.
    /// </summary>
    public bool Reference { get; set; }

    /// <summary>See <see cref="ExtractionDetectorOptions.AtypicalRate"/>.</summary>
    public double AtypicalRate { get; set; } = 0.02;

    /// <summary>See <see cref="ExtractionDetectorOptions.AtypicalAlpha"/>.</summary>
    public double AtypicalAlpha { get; set; } = 1e-6;

    /// <summary>Run PRADA extraction detection (default true; set false to use only volume and/or sweep detection).</summary>
    public bool Extraction { get; set; } = true;

    /// <summary>Volume-anomaly detection; null = off.</summary>
    public VolumeDetectionPolicy? Volume { get; set; }

    /// <summary>Feature-sweep detection; null = off.</summary>
    public SweepDetectionPolicy? Sweep { get; set; }

    /// <summary>Revoke the key on its first alert of any enabled detector (never the bootstrap admin key).</summary>
    public bool SuspendOnAlert { get; set; }

    /// <summary>Problems with the document; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if ((Lower is null) != (Upper is null))
        {
            problems.Add("lower and upper must be given together");
        }
        else if (Lower is not null && Upper is not null)
        {
            if (Lower.Count != Upper.Count || Lower.Count == 0)
            {
                problems.Add("lower and upper must have the same, non-zero length");
            }
            else if (Lower.Zip(Upper).Any(p => !double.IsFinite(p.First) || !double.IsFinite(p.Second) || !(p.Second > p.First)))
            {
                problems.Add("each upper bound must exceed its lower bound");
            }

            if (Features is { Count: > 0 } && Features.Count != Lower.Count)
            {
                problems.Add("lower and upper need one value per listed feature");
            }
        }

        if (!(Delta > 0 && Delta < 1))
        {
            problems.Add("delta must be in (0, 1)");
        }

        if (MinimumDistances is < 3 or > 1000)
        {
            problems.Add("minimumDistances must be between 3 and 1000");
        }

        if (Reference && Features is not { Count: > 0 })
        {
            problems.Add("reference needs features: the input names to look up in the reference profile");
        }

        if (!(AtypicalRate > 0 && AtypicalRate < 1) || !(AtypicalAlpha > 0 && AtypicalAlpha < 1))
        {
            problems.Add("atypicalRate and atypicalAlpha must be in (0, 1)");
        }

        if (!(OutlierSigma > 0) || TestEvery < 1)
        {
            problems.Add("outlierSigma and testEvery must be positive");
        }

        if (Volume is not null)
        {
            problems.AddRange(Volume.Validate());
        }

        if (Sweep is not null)
        {
            problems.AddRange(Sweep.Validate());
            if (Sweep.Scales is { Count: > 0 } scales && Features is { Count: > 0 } && scales.Count != Features.Count)
            {
                problems.Add("sweep.scales needs one value per listed feature");
            }
        }

        return problems;
    }
}

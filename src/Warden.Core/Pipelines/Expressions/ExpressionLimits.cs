namespace Warden.Core.Pipelines.Expressions;

/// <summary>
/// Bounds that keep parsing, checking and evaluation on a small, fixed stack: every phase recurses over the syntax
/// tree, so the tree height is capped as well as the text length.
/// </summary>
public sealed record ExpressionLimits
{
    /// <summary>
    /// Largest <see cref="MaxDepth"/> accepted. Evaluation recurses once per level without a stack check (it is the
    /// hot path), so this bounds its stack use to a few tens of KiB; the other phases also check the stack itself.
    /// </summary>
    public const int DepthCeiling = 500;

    /// <summary>Largest <see cref="MaxLength"/> accepted.</summary>
    public const int LengthCeiling = 1_000_000;

    private readonly int _maxLength = 4096;
    private readonly int _maxDepth = 100;

    /// <summary>Default limits: 4,096 characters, nesting 100.</summary>
    public static ExpressionLimits Default { get; } = new();

    /// <summary>Longest accepted expression text in characters (1 to <see cref="LengthCeiling"/>).</summary>
    public int MaxLength
    {
        get => _maxLength;
        init => _maxLength = value is >= 1 and <= LengthCeiling
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxLength), value, $"MaxLength must be from 1 to {LengthCeiling}.");
    }

    /// <summary>
    /// Deepest accepted nesting (1 to <see cref="DepthCeiling"/>): parentheses, prefix operators and function calls
    /// each add a level, and so does each operator in a chain such as <c>a + b + c</c> (the syntax tree's height).
    /// </summary>
    public int MaxDepth
    {
        get => _maxDepth;
        init => _maxDepth = value is >= 1 and <= DepthCeiling
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxDepth), value, $"MaxDepth must be from 1 to {DepthCeiling}.");
    }
}

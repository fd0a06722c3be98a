/**
 * What the paper broker's fills may still take from one candle: maxVolumeParticipation × its volume, exactly.
 * Quantities are whole lots, so a quantity fits the cap rounded down to the lot exactly when it fits the unrounded
 * cap, and subtracting whole lots commutes with that rounding: the cap is rounded only where it binds.
 *
 * The cap is computed as a Decimal only when a fill comes near it. Rounding to the nearest number never reverses
 * an order (x > y gives number(x) ≥ number(y)), so a quantity whose number is below the cap's number is within the
 * cap whatever the decimals behind them; most fills take a small share of a candle and never parse its volume.
 */
import { addDecimal, mulDecimal, subDecimal } from '../money/arithmetic.ts';
import { DECIMAL_ONE, DECIMAL_ZERO, type Decimal, decimalFromUnits } from '../money/decimal.ts';
import { decimalFromNumber } from '../money/parse.ts';
import { unitsToDecimal } from '../money/safe-units.ts';
import { roundToStep } from '../money/step.ts';

/** Stands for "no volume cap": more base than any market has (10^30 units). */
const UNLIMITED_VOLUME_UNITS = 10n ** 48n;
const UNLIMITED_VOLUME = decimalFromUnits(UNLIMITED_VOLUME_UNITS);
/** The number 10^30 rounds to; its shortest text, 1e+30, spells the cap exactly. */
const UNLIMITED_VOLUME_NUMBER = 1e30;

export class CandleVolume {
  /** The share of the candle's volume fills may take, (0, 1], or null for no cap. */
  private readonly participation: Decimal | null;
  private readonly volume: number;
  /** The cap left, once computed as a Decimal; null before. */
  private capLeftBase: Decimal | null = null;
  /** What fills took from this candle before the cap was computed, as a Decimal and in units (safe-units.ts). */
  private takenBase: Decimal = DECIMAL_ZERO;
  private takenUnits = 0;

  /** One candle of `volume` base units; `participation`: the share of it fills may take, null for no cap. */
  constructor(participation: Decimal | null, volume: number) {
    this.participation = participation;
    this.volume = volume;
  }

  /**
   * qtyBase (whole lots, positive) cut to what is left of the cap, rounded down to the lot when that binds.
   * `qtyNumber`: qtyBase's nearest number, or NaN when the caller has none.
   */
  cut(qtyBase: Decimal, qtyNumber: number, lotStepBase: Decimal): Decimal {
    if (this.fitsUntouched(qtyNumber)) return qtyBase;
    const left = this.capLeft();
    return qtyBase <= left ? qtyBase : roundToStep(left, lotStepBase, 'down');
  }

  /**
   * Whether a quantity whose nearest number is qtyNumber fits a candle nothing has been taken from yet, known
   * without decimals (cut returns it whole then); false also when it might fit but only decimals can tell.
   */
  fitsUntouched(qtyNumber: number): boolean {
    return (
      this.capLeftBase === null && this.takenBase === 0n && this.takenUnits === 0 && qtyNumber < this.wholeCapNumber()
    );
  }

  /** Records a fill of qtyBase (at most what cut allowed). */
  take(qtyBase: Decimal): void {
    if (this.capLeftBase !== null) this.capLeftBase = subDecimal(this.capLeftBase, qtyBase);
    else this.takenBase = this.takenBase === 0n ? qtyBase : addDecimal(this.takenBase, qtyBase);
  }

  /** take() for a quantity in units (money/safe-units.ts), which stays a number until the cap is computed. */
  takeUnits(qtyUnits: number): void {
    if (this.capLeftBase !== null) this.capLeftBase = subDecimal(this.capLeftBase, unitsToDecimal(qtyUnits));
    else this.takenUnits += qtyUnits;
  }

  /** The number the whole cap rounds to when it is known without decimals (participation 1 or none); else NaN. */
  private wholeCapNumber(): number {
    if (this.participation === null) return UNLIMITED_VOLUME_NUMBER;
    return this.participation === DECIMAL_ONE ? this.volume : Number.NaN;
  }

  private capLeft(): Decimal {
    if (this.capLeftBase === null) {
      const takenInUnits = this.takenUnits === 0 ? DECIMAL_ZERO : unitsToDecimal(this.takenUnits);
      this.capLeftBase = subDecimal(subDecimal(this.wholeCap(), this.takenBase), takenInUnits);
    }
    return this.capLeftBase;
  }

  private wholeCap(): Decimal {
    const participation = this.participation;
    if (participation === null) return UNLIMITED_VOLUME;
    const volumeBase = decimalFromNumber(this.volume);
    return participation === DECIMAL_ONE ? volumeBase : mulDecimal(volumeBase, participation, 'floor');
  }
}

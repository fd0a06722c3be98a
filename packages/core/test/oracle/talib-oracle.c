/*
 * TA-Lib oracle: the reference our streaming indicators are tested against.
 *
 * Reads a candle CSV (header `timestamp,open,high,low,close,volume`) from the file named by argv[1]
 * and prints one JSON object to stdout:
 *
 *   {"rows":N,"indicators":{"SMA_20":[null,...,123.4,...],...}}
 *
 * with one entry per input row for each of the 19 indicators of Keel's indicator set, computed by the
 * real TA-Lib C functions with their default (non-Metastock) compatibility and no unstable period.
 * Entries before an output's outBegIdx are null; doubles are printed with "%.17g" so they round-trip
 * exactly; a non-finite output (TA-Lib guards against them, so none is expected) is printed as the
 * string "NaN", "Infinity" or "-Infinity" so that a test notices it instead of parsing a number.
 *
 * Built by build-oracle.ts against only the TA-Lib sources these functions need.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ta_libc.h"

typedef struct {
  int rows;
  int capacity;
  double *open, *high, *low, *close, *volume;
} Candles;

static void die(const char *message, const char *detail) {
  fprintf(stderr, "talib-oracle: %s%s%s\n", message, detail ? ": " : "", detail ? detail : "");
  exit(1);
}

static double *grow(double *column, int capacity) {
  double *grown = realloc(column, (size_t)capacity * sizeof(double));
  if (!grown) die("out of memory", NULL);
  return grown;
}

static void push_candle(Candles *candles, const double fields[5]) {
  if (candles->rows == candles->capacity) {
    candles->capacity = candles->capacity ? candles->capacity * 2 : 4096;
    candles->open = grow(candles->open, candles->capacity);
    candles->high = grow(candles->high, candles->capacity);
    candles->low = grow(candles->low, candles->capacity);
    candles->close = grow(candles->close, candles->capacity);
    candles->volume = grow(candles->volume, candles->capacity);
  }
  int row = candles->rows++;
  candles->open[row] = fields[0];
  candles->high[row] = fields[1];
  candles->low[row] = fields[2];
  candles->close[row] = fields[3];
  candles->volume[row] = fields[4];
}

static Candles read_csv(const char *path) {
  FILE *file = fopen(path, "r");
  if (!file) die("cannot open", path);
  Candles candles = {0};
  char line[1024];
  int line_number = 0;
  while (fgets(line, sizeof line, file)) {
    line_number++;
    if (line_number == 1 || line[0] == '\n' || line[0] == '\r' || line[0] == '\0') continue;
    char *cursor = line;
    strtod(cursor, &cursor); /* timestamp: not an input of any indicator */
    double fields[5];
    for (int f = 0; f < 5; f++) {
      if (*cursor != ',') {
        fprintf(stderr, "talib-oracle: %s:%d: expected 6 comma-separated fields\n", path, line_number);
        exit(1);
      }
      char *end;
      fields[f] = strtod(cursor + 1, &end);
      if (end == cursor + 1) {
        fprintf(stderr, "talib-oracle: %s:%d: field %d is not a number\n", path, line_number, f + 2);
        exit(1);
      }
      cursor = end;
    }
    push_candle(&candles, fields);
  }
  fclose(file);
  return candles;
}

/* One indicator output: TA-Lib writes outNBElement values that belong to rows outBegIdx... */
typedef struct {
  const char *name;
  double *values;
  int begIdx;
  int count;
} Output;

#define OUTPUT_COUNT 19

/* Keel's indicator-set names, in the order indicator-set.ts lists them. */
static const char *const OUTPUT_NAMES[OUTPUT_COUNT] = {
    "SMA_20",        "EMA_12",        "EMA_26",        "RSI_14",       "MACD_12_26_9",  "MACDSIGNAL_12_26_9",
    "MACDHIST_12_26_9", "BBUPPER_20_2", "BBMIDDLE_20_2", "BBLOWER_20_2", "ATR_14",      "STOCHK_14_3_3",
    "STOCHD_14_3_3", "ADX_14",        "OBV",           "MFI_14",       "CCI_20",        "WILLR_14",
    "ROC_10"};

static Output outputs[OUTPUT_COUNT];
static int output_total = 0;

static Output *new_output(const char *name, int rows) {
  if (output_total >= OUTPUT_COUNT || strcmp(name, OUTPUT_NAMES[output_total]) != 0)
    die("internal error: indicators out of order at", name);
  Output *output = &outputs[output_total++];
  output->name = name;
  output->values = calloc((size_t)(rows > 0 ? rows : 1), sizeof(double));
  if (!output->values) die("out of memory", NULL);
  return output;
}

static void check(TA_RetCode code, const char *function) {
  if (code != TA_SUCCESS) {
    fprintf(stderr, "talib-oracle: %s failed with TA_RetCode %d\n", function, (int)code);
    exit(1);
  }
}

static void print_number(double value) {
  if (isnan(value))
    fputs("\"NaN\"", stdout);
  else if (isinf(value))
    fputs(value > 0 ? "\"Infinity\"" : "\"-Infinity\"", stdout);
  else
    printf("%.17g", value);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: talib-oracle CANDLES.csv\n");
    return 2;
  }
  Candles c = read_csv(argv[1]);
  int n = c.rows;
  int last = n - 1;
  check(TA_Initialize(), "TA_Initialize");

  if (n > 0) {
    Output *sma = new_output("SMA_20", n);
    check(TA_SMA(0, last, c.close, 20, &sma->begIdx, &sma->count, sma->values), "TA_SMA");

    Output *ema12 = new_output("EMA_12", n);
    check(TA_EMA(0, last, c.close, 12, &ema12->begIdx, &ema12->count, ema12->values), "TA_EMA");
    Output *ema26 = new_output("EMA_26", n);
    check(TA_EMA(0, last, c.close, 26, &ema26->begIdx, &ema26->count, ema26->values), "TA_EMA");

    Output *rsi = new_output("RSI_14", n);
    check(TA_RSI(0, last, c.close, 14, &rsi->begIdx, &rsi->count, rsi->values), "TA_RSI");

    Output *macd = new_output("MACD_12_26_9", n);
    Output *signal = new_output("MACDSIGNAL_12_26_9", n);
    Output *hist = new_output("MACDHIST_12_26_9", n);
    check(TA_MACD(0, last, c.close, 12, 26, 9, &macd->begIdx, &macd->count, macd->values, signal->values,
                  hist->values),
          "TA_MACD");
    signal->begIdx = hist->begIdx = macd->begIdx;
    signal->count = hist->count = macd->count;

    Output *upper = new_output("BBUPPER_20_2", n);
    Output *middle = new_output("BBMIDDLE_20_2", n);
    Output *lower = new_output("BBLOWER_20_2", n);
    check(TA_BBANDS(0, last, c.close, 20, 2.0, 2.0, TA_MAType_SMA, &upper->begIdx, &upper->count, upper->values,
                    middle->values, lower->values),
          "TA_BBANDS");
    middle->begIdx = lower->begIdx = upper->begIdx;
    middle->count = lower->count = upper->count;

    Output *atr = new_output("ATR_14", n);
    check(TA_ATR(0, last, c.high, c.low, c.close, 14, &atr->begIdx, &atr->count, atr->values), "TA_ATR");

    Output *stochK = new_output("STOCHK_14_3_3", n);
    Output *stochD = new_output("STOCHD_14_3_3", n);
    check(TA_STOCH(0, last, c.high, c.low, c.close, 14, 3, TA_MAType_SMA, 3, TA_MAType_SMA, &stochK->begIdx,
                   &stochK->count, stochK->values, stochD->values),
          "TA_STOCH");
    stochD->begIdx = stochK->begIdx;
    stochD->count = stochK->count;

    Output *adx = new_output("ADX_14", n);
    check(TA_ADX(0, last, c.high, c.low, c.close, 14, &adx->begIdx, &adx->count, adx->values), "TA_ADX");

    Output *obv = new_output("OBV", n);
    check(TA_OBV(0, last, c.close, c.volume, &obv->begIdx, &obv->count, obv->values), "TA_OBV");

    Output *mfi = new_output("MFI_14", n);
    check(TA_MFI(0, last, c.high, c.low, c.close, c.volume, 14, &mfi->begIdx, &mfi->count, mfi->values), "TA_MFI");

    Output *cci = new_output("CCI_20", n);
    check(TA_CCI(0, last, c.high, c.low, c.close, 20, &cci->begIdx, &cci->count, cci->values), "TA_CCI");

    Output *willr = new_output("WILLR_14", n);
    check(TA_WILLR(0, last, c.high, c.low, c.close, 14, &willr->begIdx, &willr->count, willr->values), "TA_WILLR");

    Output *roc = new_output("ROC_10", n);
    check(TA_ROC(0, last, c.close, 10, &roc->begIdx, &roc->count, roc->values), "TA_ROC");
  }

  if (n == 0) { /* no candles: every indicator is an empty column */
    for (int o = 0; o < OUTPUT_COUNT; o++) new_output(OUTPUT_NAMES[o], 0);
  }
  if (output_total != OUTPUT_COUNT) die("internal error", "not every indicator was computed");

  printf("{\"rows\":%d,\"indicators\":{", n);
  for (int o = 0; o < output_total; o++) {
    Output *output = &outputs[o];
    printf("%s\"%s\":[", o ? "," : "", output->name);
    for (int row = 0; row < n; row++) {
      if (row) putchar(',');
      int at = row - output->begIdx;
      if (output->count == 0 || at < 0 || at >= output->count)
        fputs("null", stdout);
      else
        print_number(output->values[at]);
    }
    putchar(']');
  }
  puts("}}");
  TA_Shutdown();
  return 0;
}

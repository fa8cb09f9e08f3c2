print("mfg: under construction")

print("divvy")

/// GSM8K-style programs of the kinds a small coder model writes, with the answer each should give.
struct SampleProgram: Sendable, CustomStringConvertible {
    let name: String
    let source: String
    let answer: String

    var description: String { name }

    static let all: [SampleProgram] = [
        SampleProgram(name: "solution function", source: """
            def solution():
                \"\"\"Janet's ducks lay 16 eggs per day. She eats 3 and bakes with 4. She sells the rest at $2 each.\"\"\"
                eggs_per_day = 16
                eaten = 3
                baked = 4
                price = 2
                remaining = eggs_per_day - eaten - baked
                result = remaining * price
                return result

            print(solution())
            """, answer: "18"),
        SampleProgram(name: "straight-line answer", source: """
            # A robe takes 2 bolts of blue fiber and half that much white fiber.
            blue = 2
            white = blue / 2
            answer = blue + white
            """, answer: "3.0"),
        SampleProgram(name: "math.ceil buses", source: """
            import math

            students = 157
            capacity = 30
            buses = math.ceil(students / capacity)
            print(f"Buses needed: {buses}")
            print(buses)
            """, answer: "6"),
        SampleProgram(name: "for loop pages", source: """
            total_pages = 0
            for day in range(1, 8):
                if day % 2 == 0:
                    total_pages += 12
                else:
                    total_pages += 8
            print(total_pages)
            """, answer: "68"),
        SampleProgram(name: "money with tax", source: """
            price_per_pound = 3.25
            pounds = 4
            cost = price_per_pound * pounds
            tax = cost * 0.08
            total = cost + tax
            print(f"The total is ${total:.2f}")
            answer = round(total, 2)
            """, answer: "14.04"),
        SampleProgram(name: "while doubling", source: """
            savings = 100
            weeks = 0
            while savings < 1000:
                savings *= 2
                weeks += 1
            print(weeks)
            """, answer: "4"),
        SampleProgram(name: "discount comprehension", source: """
            prices = [12, 15, 7, 20]
            discounted = [p * 0.9 for p in prices if p > 10]
            total = sum(discounted)
            print(round(total, 2))
            """, answer: "42.3"),
        SampleProgram(name: "defaults and keywords", source: """
            def cost(items, price=4, discount=0):
                return items * price * (1 - discount)

            monday = cost(10)
            tuesday = cost(10, discount=0.25)
            answer = monday + tuesday
            """, answer: "70.0"),
        SampleProgram(name: "divmod minutes", source: """
            total_minutes = 135
            hours, minutes = divmod(total_minutes, 60)
            print(f"{hours} hours and {minutes} minutes")
            answer = hours * 60 + minutes
            """, answer: "135"),
        SampleProgram(name: "main guard", source: """
            def main():
                tom = 12
                sister = tom * 2 - 5
                brother = (tom + sister) // 3
                print(tom + sister + brother)

            if __name__ == "__main__":
                main()
            """, answer: "41"),
        SampleProgram(name: "percent of class", source: """
            from math import floor

            students = 40
            girls = int(students * 0.45)
            boys = students - girls
            glasses = floor(boys * 0.25)
            print(boys - glasses)
            """, answer: "17"),
        SampleProgram(name: "last printed line", source: """
            apples = 5
            oranges = apples * 3
            print("Apples:", apples)
            print("Oranges:", oranges)
            print(apples + oranges)
            """, answer: "20"),
        SampleProgram(name: "recursive fibonacci", source: """
            def fib(n):
                if n < 2:
                    return n
                return fib(n - 1) + fib(n - 2)

            answer = fib(15)
            """, answer: "610"),
        SampleProgram(name: "nested loop search", source: """
            # How many pairs of (adults, children) tickets cost exactly $100 at $12 and $7?
            count = 0
            for adults in range(0, 10):
                for children in range(0, 15):
                    if adults * 12 + children * 7 == 100:
                        count += 1
                        break
            print(count)
            """, answer: "1"),
    ]
}
